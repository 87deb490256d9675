/**
 * The one HTTPS door to the identity provider: JSON in and out, a private CA when the hosts pass
 * one (tests pass the local provider's CA; a fleet behind a TLS-inspecting proxy passes its
 * own), HTTPS only except for a loopback host, a timeout, and never a token or body in a log.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { rootCertificates } from 'node:tls';

export interface HttpReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
}

export interface HttpTransportOptions {
  /** Extra trust anchors (PEM), added to Node's own; the OS store applies through NODE_EXTRA_CA_CERTS. */
  readonly ca?: string | readonly string[];
  readonly timeoutMs?: number;
}

/** No reply at all (DNS, refused, reset, TLS, timeout): "no network" to the operator. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(
    readonly detail: string,
    readonly mayHaveArrived: boolean,
  ) {
    super(`network: ${detail}`);
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.has(hostname.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * A host setting ("login.microsoftonline.com", "127.0.0.1:8443", "https://graph.microsoft.us")
 * as an origin URL. Plain http is accepted only for a loopback host. Returns null when invalid.
 */
export function hostOrigin(value: string): URL | null {
  const v = value.trim();
  if (v.length === 0 || v.length > 255) return null;
  let u: URL;
  try {
    u = new URL(/^[a-z]+:\/\//i.test(v) ? v : `https://${v}`);
  } catch {
    return null;
  }
  if (u.username || u.password || u.search || u.hash) return null;
  if (u.pathname !== '/' && u.pathname !== '') return null;
  if (u.protocol === 'https:') return u;
  if (u.protocol === 'http:' && isLoopbackHost(u.hostname)) return u;
  return null;
}

export class HttpTransport {
  constructor(private readonly opts: HttpTransportOptions = {}) {}

  request(
    method: string,
    url: string,
    init: { headers?: Record<string, string>; body?: string | Buffer } = {},
  ): Promise<HttpReply> {
    const u = new URL(url);
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopbackHost(u.hostname))) {
      return Promise.reject(new NetworkError('insecureUrl', false));
    }
    const body =
      init.body === undefined
        ? undefined
        : typeof init.body === 'string'
          ? Buffer.from(init.body)
          : init.body;
    const options: RequestOptions = {
      method,
      headers: {
        ...(init.headers ?? {}),
        ...(body ? { 'content-length': String(body.length) } : {}),
      },
      timeout: this.opts.timeoutMs ?? 30_000,
    };
    if (this.opts.ca) {
      // Node's own roots stay trusted: `ca` replaces them, so the bundle is passed explicitly.
      options.ca = [...rootCertificates, ...[this.opts.ca].flat()];
    }
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<HttpReply>((resolve, reject) => {
      let written = false;
      const req = send(u, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', () => reject(new NetworkError('reset', true)));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
          }
          resolve({
            status: res.statusCode ?? 0,
            headers,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e: NodeJS.ErrnoException) => {
        reject(new NetworkError(e.code ?? e.message, written));
      });
      if (body) req.write(body);
      written = true;
      req.end();
    });
  }
}

/** Retry-After as seconds (delta or HTTP date), or null. */
export function retryAfterSeconds(headers: Record<string, string>, now: Date): number | null {
  const v = headers['retry-after'];
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const t = Date.parse(v);
  if (Number.isNaN(t)) return null;
  return Math.max(0, Math.ceil((t - now.getTime()) / 1000));
}
