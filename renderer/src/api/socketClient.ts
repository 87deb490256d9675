/**
 * The contract over the browser host's WebSocket (browser mode). Builds the same object the
 * Electron preload exposes — one function per contract entry — so nothing above this file
 * knows which host it talks to. Authentication is the host's HttpOnly session cookie, which
 * the browser sends with the WebSocket handshake; the renderer never sees the token.
 */
import type { EventListener, EventName, KeystationApi, Result } from '../../../preload/contract';
import { channelOf, domains } from '../../../preload/contract/wire';

/** The part of the DOM WebSocket we use (a fake in unit tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

const OPEN = 1;
const CALL_TIMEOUT_MS = 120_000;
const CONNECT_TIMEOUT_MS = 10_000;

const lost: Result<never> = { ok: false, error: { kind: 'internal', code: 'connectionLost' } };

export function createSocketApi(
  url: string,
  open: (url: string) => SocketLike = (u) => new WebSocket(u) as unknown as SocketLike,
): KeystationApi {
  let socket: SocketLike | null = null;
  let ready: Promise<SocketLike> | null = null;
  let nextId = 1;
  const pending = new Map<
    number,
    { resolve(r: Result<unknown>): void; timer: ReturnType<typeof setTimeout> }
  >();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let failures = 0;

  function failAll(): void {
    for (const [id, call] of pending) {
      clearTimeout(call.timer);
      call.resolve(lost);
      pending.delete(id);
    }
  }

  function connect(): Promise<SocketLike> {
    if (ready) return ready;
    ready = new Promise<SocketLike>((resolve, reject) => {
      const s = open(url);
      socket = s;
      // A socket that neither opens nor fails (a black-holed port) must not hang the UI.
      const connectTimer = setTimeout(() => s.close(), CONNECT_TIMEOUT_MS);
      s.onopen = () => {
        clearTimeout(connectTimer);
        failures = 0;
        resolve(s);
      };
      // Failures are handled in onclose, which always follows.
      s.onerror = () => {};
      s.onclose = () => {
        clearTimeout(connectTimer);
        failAll();
        socket = null;
        ready = null;
        failures += 1;
        reject(new Error('closed'));
        // Keep event subscriptions alive across a host restart, with backoff.
        if (listeners.size > 0 && failures < 8) {
          setTimeout(() => void connect().catch(() => {}), Math.min(30_000, 500 * 2 ** failures));
        }
      };
      s.onmessage = (ev) => receive(ev.data);
    });
    ready.catch(() => {});
    return ready;
  }

  function receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const m = message as { id?: unknown; result?: unknown; event?: unknown; payload?: unknown };
    if (typeof m.id === 'number' && m.result !== undefined) {
      const call = pending.get(m.id);
      if (!call) return;
      pending.delete(m.id);
      clearTimeout(call.timer);
      call.resolve(m.result as Result<unknown>);
    } else if (typeof m.event === 'string') {
      // Only names someone subscribed to (typed EventName) have listeners; others fall through.
      for (const listener of listeners.get(m.event as EventName) ?? []) {
        try {
          listener(m.payload);
        } catch {
          // One broken listener must not stop the others.
        }
      }
    }
  }

  async function invoke(channel: string, args: unknown): Promise<Result<unknown>> {
    let s: SocketLike;
    try {
      s = socket && socket.readyState === OPEN ? socket : await connect();
    } catch {
      return lost;
    }
    const id = nextId++;
    return new Promise<Result<unknown>>((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve(lost);
      }, CALL_TIMEOUT_MS);
      pending.set(id, { resolve, timer });
      s.send(JSON.stringify({ id, call: channel, args }));
    });
  }

  // One function per entry, made when first used: the renderer knows the domains (wire.ts) but
  // not the schemas, and main validates every argument anyway. Not a thenable, so a domain
  // object can be passed around and awaited next to promises safely.
  const api: Record<string, unknown> = {};
  for (const domain of domains) {
    const made = new Map<string, (args: unknown) => Promise<Result<unknown>>>();
    api[domain] = new Proxy(
      {},
      {
        get(_target, name) {
          if (typeof name !== 'string' || name === 'then') return undefined;
          let fn = made.get(name);
          if (!fn) {
            const channel = channelOf(domain, name);
            fn = (args: unknown) => invoke(channel, args);
            made.set(name, fn);
          }
          return fn;
        },
      },
    );
  }
  api.events = {
    subscribe<E extends EventName>(name: E, listener: EventListener<E>): () => void {
      const set = listeners.get(name) ?? new Set();
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      listeners.set(name, set);
      void connect().catch(() => {});
      return () => {
        set.delete(wrapped);
        if (set.size === 0) listeners.delete(name);
      };
    },
  };
  // The first screen's calls follow at once: open the socket while the page renders.
  void connect().catch(() => {});
  return api as KeystationApi;
}
