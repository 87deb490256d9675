/**
 * Pages loaded after the first screen: the operator console and the first-run page (the only
 * screens that build zod schemas for their forms). The first screen — people, a person's
 * security info, sign-in or the kiosk — comes from the main chunk alone, so it paints without
 * evaluating them; `prefetchLaterPages` loads them right after, so opening them later waits
 * for nothing (docs/DESIGN.md §10.6).
 *
 * Not React.lazy: a lazy component suspends on its first render even when its module is
 * already here, and React reveals a suspended page no sooner than 300 ms after its fallback.
 * A page loaded in advance renders at once; one that is not shows "Loading" until it is.
 */
import { useEffect, useState, type ComponentType } from 'react';
import { ErrorNotice, Loading } from './components';

interface LaterPage<P> {
  Page: ComponentType<P>;
  load(): Promise<unknown>;
}

function later<P extends object>(importPage: () => Promise<ComponentType<P>>): LaterPage<P> {
  let loaded: ComponentType<P> | null = null;
  let loading: Promise<ComponentType<P>> | null = null;
  const load = (): Promise<ComponentType<P>> =>
    (loading ??= importPage().then(
      (page) => (loaded = page),
      (e: unknown) => {
        loading = null; // the next try imports again
        throw e;
      },
    ));

  function Page(props: P) {
    const [, setReady] = useState(false);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (loaded || failed) return;
      let live = true;
      load().then(
        () => live && setReady(true),
        () => live && setFailed(true),
      );
      return () => {
        live = false;
      };
    }, [failed]);
    if (loaded) {
      const Loaded = loaded;
      return <Loaded {...props} />;
    }
    if (failed) {
      return (
        <ErrorNotice
          error={{ kind: 'internal', code: 'connectionLost' }}
          onRetry={() => setFailed(false)}
        />
      );
    }
    return <Loading />;
  }
  return { Page, load };
}

const consolePage = later(() =>
  import('./pages/operator/OperatorConsole').then((m) => m.OperatorConsole),
);
const firstRunPage = later(() => import('./pages/FirstRunPage').then((m) => m.FirstRunPage));

export const OperatorConsole = consolePage.Page;
export const FirstRunPage = firstRunPage.Page;

let prefetched = false;

/**
 * Starts loading the later pages now, once per document. Called once the first screen has
 * rendered — not earlier, where evaluating them would delay its first paint, and not in an idle
 * moment later, where it would land in the middle of a step (the page is idle exactly while a
 * step waits for the station).
 */
export function prefetchLaterPages(): void {
  if (prefetched) return;
  prefetched = true;
  for (const page of [firstRunPage, consolePage]) {
    page.load().catch(() => {
      // A failed prefetch is tried again when the page is opened.
    });
  }
}
