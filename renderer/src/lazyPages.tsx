/**
 * Pages loaded after the first screen: the operator console and the first-run page (the only
 * screens that build zod schemas for their forms). The first screen — people, a person's
 * security info, sign-in or the kiosk — comes from the main chunk alone, so it paints without
 * evaluating them; once it has painted, `prefetchLaterPages` loads them while the station is
 * idle, so opening them later does not wait for the network either (docs/DESIGN.md §10.6).
 */
import { lazy, Suspense, type ComponentProps, type ReactNode } from 'react';
import { Loading } from './components';

const loadConsole = () => import('./pages/operator/OperatorConsole');
const loadFirstRun = () => import('./pages/FirstRunPage');

const LazyConsole = lazy(() => loadConsole().then((m) => ({ default: m.OperatorConsole })));
const LazyFirstRun = lazy(() => loadFirstRun().then((m) => ({ default: m.FirstRunPage })));

function Later({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

export function OperatorConsole(props: ComponentProps<typeof LazyConsole>) {
  return (
    <Later>
      <LazyConsole {...props} />
    </Later>
  );
}

export function FirstRunPage() {
  return (
    <Later>
      <LazyFirstRun />
    </Later>
  );
}

let prefetched = false;

/** Loads the later pages one at a time when the browser is idle; once per document. */
export function prefetchLaterPages(): void {
  if (prefetched) return;
  prefetched = true;
  const idle = (fn: () => void) =>
    'requestIdleCallback' in window
      ? window.requestIdleCallback(fn, { timeout: 2000 })
      : setTimeout(fn, 200);
  idle(() => {
    void loadFirstRun()
      .then(() => new Promise<void>((resolve) => idle(resolve)))
      .then(loadConsole)
      .catch(() => {
        // A failed prefetch is retried by the page itself when it is opened.
      });
  });
}
