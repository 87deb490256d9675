/**
 * Hash routes: the renderer is one document in both hosts (app:// and http), so the hash keeps
 * navigation inside it — main denies every real navigation. Add a route by extending `Route`,
 * `parseRoute` and `routeHref`, then rendering it in App.tsx.
 */
import { useEffect, useState } from 'react';

export type Route =
  | { name: 'people' }
  | { name: 'securityInfo'; personId: string }
  | { name: 'firstRun' }
  /** The operator console; pages/operator/OperatorConsole.tsx routes the rest of the path. */
  | { name: 'operator'; path: string }
  | { name: 'notFound' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  if (path === '/' || path === '/people') return { name: 'people' };
  if (path === '/first-run') return { name: 'firstRun' };
  if (path === '/operator' || path.startsWith('/operator/')) return { name: 'operator', path };
  const m = /^\/people\/([A-Za-z0-9_-]{1,64})\/security-info$/.exec(path);
  if (m) return { name: 'securityInfo', personId: m[1] };
  return { name: 'notFound' };
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case 'people':
      return '#/people';
    case 'securityInfo':
      return `#/people/${encodeURIComponent(route.personId)}/security-info`;
    case 'firstRun':
      return '#/first-run';
    case 'operator':
      return `#${route.path}`;
    case 'notFound':
      return '#/';
  }
}

export function navigate(route: Route): void {
  window.location.hash = routeHref(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
