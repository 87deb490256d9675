/**
 * Events main pushes to the renderer. Handlers and station wiring emit on a bus; each host
 * (Electron IPC, WebSocket) forwards to its connected renderer(s).
 */
import type { EventName, EventPayload } from '../../preload/contract';
import type { KeyDeviceEventSink, KeyDeviceEvents } from '../station/devices';

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

/** The station's key-device events are contract events with the same payloads (checked here). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const payloadsMatch: {
  [E in keyof KeyDeviceEvents]: Same<KeyDeviceEvents[E], EventPayload<E>>;
} = { 'key.inserted': true, 'key.removed': true, 'virtualKey.changed': true };
void payloadsMatch;

/** Forwards the station's key-device events (main/station/devices.ts) to every renderer. */
export function keyDeviceEvents(bus: StationEventBus): KeyDeviceEventSink {
  return (name, payload) => bus.emit(name, payload as EventPayload<typeof name>);
}
