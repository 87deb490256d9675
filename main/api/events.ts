/**
 * Events main pushes to the renderer. Handlers and station wiring emit on a bus; each host
 * (Electron IPC, WebSocket) forwards to its connected renderer(s).
 */
import type { EventName, EventPayload } from '../../preload/contract';

export type EventSink = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

/** Broadcast to every connected renderer (hot-plug is station-wide). */
export class StationEventBus {
  readonly #sinks = new Set<EventSink>();

  /** A host attaches a sink per renderer; returns detach. */
  attach(sink: EventSink): () => void {
    this.#sinks.add(sink);
    return () => {
      this.#sinks.delete(sink);
    };
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const sink of this.#sinks) {
      try {
        sink(name, payload);
      } catch {
        // A renderer that went away must not break the others.
      }
    }
  }
}
