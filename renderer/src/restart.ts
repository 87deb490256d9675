/**
 * Starting the renderer over without reloading the document: the root (main.tsx) remounts every
 * provider and page under a new key, so no React state, toast or pending call of the previous
 * person survives; only the transport to main is kept. A reload did the same at the cost of
 * parsing and rendering the whole app again (over a second on a busy station).
 */
type Listener = () => void;
let listener: Listener | null = null;

/** The root registers how to start over; returns the unregister function. */
export function onRestart(l: Listener): () => void {
  listener = l;
  return () => {
    if (listener === l) listener = null;
  };
}

/** Start the renderer over; reloads the document when no root is listening. */
export function restartApp(): void {
  if (listener) listener();
  else window.location.reload();
}
