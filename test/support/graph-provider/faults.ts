/**
 * Faults a test switches on for its own provider instance (no global state): throttling
 * (429/503 with Retry-After), server errors, a reply lost after the request was processed,
 * and latency. Each fault has a budget (`count`, total injections) and a rhythm (`every`
 * Nth matching request), and can be limited to one host, HTTP method or endpoint.
 */

export type FaultHost = 'login' | 'graph';

export interface FaultMatch {
  /** Only requests to this host (authority or Graph). Default: Graph only. */
  host?: FaultHost | 'any';
  /** Only this HTTP method. */
  method?: string;
  /**
   * Only this endpoint: the route template as in the request log (e.g.
   * `POST /users/{id}/authentication/fido2Methods`), or a RegExp tested against it.
   */
  endpoint?: string | RegExp;
}

interface FaultCommon {
  match?: FaultMatch;
  /** Inject on every Nth matching request (1 = each). Default 1. */
  every?: number;
  /** Total injections before the fault switches itself off. Default: unlimited. */
  count?: number;
}

export type FaultSpec =
  | (FaultCommon & {
      kind: 'throttle';
      /** 429 (default) or 503; both carry Retry-After. */
      status?: 429 | 503;
      retryAfterSeconds?: number;
    })
  | (FaultCommon & { kind: 'error'; status: 500 | 502 | 503 | 504 })
  | (FaultCommon & {
      /** The request is processed (the change is made), then the socket is destroyed. */
      kind: 'dropReply';
    })
  | (FaultCommon & {
      /** The connection is destroyed before the request is processed (nothing changes). */
      kind: 'dropRequest';
    })
  | (FaultCommon & { kind: 'latency'; ms: number });

export interface FaultHandle {
  readonly spec: FaultSpec;
  /** Matching requests seen so far. */
  readonly seen: number;
  /** Injections made so far. */
  readonly injected: number;
  remove(): void;
}

interface ActiveFault {
  spec: FaultSpec;
  seen: number;
  injected: number;
  removed: boolean;
}

export interface FaultDecision {
  /** Reply with this instead of handling (throttle / error). */
  reply?: { status: number; retryAfterSeconds?: number; kind: 'throttle' | 'error' };
  dropReply: boolean;
  dropRequest: boolean;
  latencyMs: number;
  /** Names of the faults applied (for the request log). */
  applied: string[];
}

function matches(m: FaultMatch | undefined, host: FaultHost, method: string, endpoint: string) {
  const h = m?.host ?? 'graph';
  if (h !== 'any' && h !== host) return false;
  if (m?.method && m.method.toUpperCase() !== method) return false;
  if (m?.endpoint instanceof RegExp) return m.endpoint.test(endpoint);
  if (typeof m?.endpoint === 'string') return m.endpoint === endpoint;
  return true;
}

export class FaultControl {
  private readonly active: ActiveFault[] = [];

  /** Switch a fault on; returns a handle with its counters. */
  add(spec: FaultSpec): FaultHandle {
    const every = spec.every ?? 1;
    if (!Number.isInteger(every) || every < 1) throw new RangeError('every must be an integer ≥ 1');
    if (spec.count !== undefined && (!Number.isInteger(spec.count) || spec.count < 0))
      throw new RangeError('count must be an integer ≥ 0');
    const f: ActiveFault = { spec, seen: 0, injected: 0, removed: false };
    this.active.push(f);
    return {
      spec,
      get seen() {
        return f.seen;
      },
      get injected() {
        return f.injected;
      },
      remove: () => {
        f.removed = true;
        const i = this.active.indexOf(f);
        if (i >= 0) this.active.splice(i, 1);
      },
    };
  }

  /** 429 (or 503) with Retry-After on every Nth matching Graph request, `count` times. */
  throttle(opts: Omit<Extract<FaultSpec, { kind: 'throttle' }>, 'kind'> = {}): FaultHandle {
    return this.add({ kind: 'throttle', ...opts });
  }
  serverError(status: 500 | 502 | 503 | 504, opts: Omit<FaultCommon, never> = {}): FaultHandle {
    return this.add({ kind: 'error', status, ...opts });
  }
  dropReply(opts: FaultCommon = {}): FaultHandle {
    return this.add({ kind: 'dropReply', ...opts });
  }
  dropRequest(opts: FaultCommon = {}): FaultHandle {
    return this.add({ kind: 'dropRequest', ...opts });
  }
  latency(ms: number, opts: FaultCommon = {}): FaultHandle {
    return this.add({ kind: 'latency', ms, ...opts });
  }

  /** Switch every fault off. */
  clear(): void {
    for (const f of this.active) f.removed = true;
    this.active.length = 0;
  }

  /** Decide what happens to one request (called once per request, batch items included). */
  decide(host: FaultHost, method: string, endpoint: string): FaultDecision {
    const d: FaultDecision = { dropReply: false, dropRequest: false, latencyMs: 0, applied: [] };
    for (const f of [...this.active]) {
      if (f.removed || !matches(f.spec.match, host, method, endpoint)) continue;
      if (f.spec.count !== undefined && f.injected >= f.spec.count) continue;
      f.seen++;
      if (f.seen % (f.spec.every ?? 1) !== 0) continue;
      const s = f.spec;
      switch (s.kind) {
        case 'latency':
          d.latencyMs += s.ms;
          break;
        case 'throttle':
          if (d.reply) continue;
          d.reply = {
            status: s.status ?? 429,
            retryAfterSeconds: s.retryAfterSeconds ?? 1,
            kind: 'throttle',
          };
          break;
        case 'error':
          if (d.reply) continue;
          d.reply = { status: s.status, kind: 'error' };
          break;
        case 'dropReply':
          d.dropReply = true;
          break;
        case 'dropRequest':
          d.dropRequest = true;
          break;
      }
      f.injected++;
      d.applied.push(
        s.kind === 'throttle' || s.kind === 'error' ? `${s.kind}:${d.reply?.status}` : s.kind,
      );
    }
    return d;
  }
}
