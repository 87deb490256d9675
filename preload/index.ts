/**
 * The preload: runs sandboxed with context isolation and exposes exactly one named function
 * per contract entry as `window.keystation.<domain>.<name>` (never a generic invoke), plus
 * `window.keystation.events.subscribe(name, listener)` for the events main pushes.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  contract,
  channelOf,
  EVENT_CHANNEL,
  isEventName,
  type EventName,
  type EventListener,
  type KeystationApi,
} from './contract';

const listeners = new Map<EventName, Set<(payload: unknown) => void>>();

ipcRenderer.on(EVENT_CHANNEL, (_event: IpcRendererEvent, message: unknown) => {
  if (typeof message !== 'object' || message === null) return;
  const { name, payload } = message as { name?: unknown; payload?: unknown };
  if (!isEventName(name)) return;
  for (const listener of listeners.get(name) ?? []) {
    try {
      listener(payload);
    } catch {
      // A throwing listener must not stop the others.
    }
  }
});

function buildCalls(): Record<string, Record<string, (args: unknown) => Promise<unknown>>> {
  const api: Record<string, Record<string, (args: unknown) => Promise<unknown>>> = {};
  for (const [domain, calls] of Object.entries(contract)) {
    const fns: Record<string, (args: unknown) => Promise<unknown>> = {};
    for (const name of Object.keys(calls)) {
      const channel = channelOf(domain, name);
      // Each function is bound to its own channel; the renderer cannot name a channel.
      fns[name] = (args: unknown) => ipcRenderer.invoke(channel, args);
    }
    api[domain] = Object.freeze(fns);
  }
  return api;
}

const events: KeystationApi['events'] = {
  subscribe<E extends EventName>(name: E, listener: EventListener<E>): () => void {
    if (!isEventName(name) || typeof listener !== 'function') return () => {};
    const set = listeners.get(name) ?? new Set();
    const wrapped = listener as (payload: unknown) => void;
    set.add(wrapped);
    listeners.set(name, set);
    return () => {
      set.delete(wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('keystation', { ...buildCalls(), events });
