/**
 * Browser mode: the built renderer over HTTP and the contract over a WebSocket, on loopback
 * only (unless --allow-remote), so the real UI runs in Chromium against the real main-process
 * code. The printed URL carries a one-time launch token (`/?token=…`): the first request that
 * presents it exchanges it for a separate random session id in an HttpOnly SameSite=Strict
 * cookie and a redirect that drops the token from the address bar. From then on the token is
 * spent (a copy of the URL from the shell history, a screenshot or a log opens nothing); later
 * loads and the WebSocket need the session cookie. A launch token presented directly to the
 * WebSocket (scripted clients) is spent the same way, for that one socket.
 *
 * Wire protocol (JSON text frames):
 *   renderer → host  { "id": 1, "call": "ks:people.search", "args": { … } }
 *   host → renderer  { "id": 1, "result": { "ok": true, "value": … } }
 *   host → renderer  { "event": "key.inserted", "payload": { … } }
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import type { Result } from '../../preload/contract';
import { securityHeaders } from '../api/content-security-policy';
import type { EventSink } from '../api/events';
import { resolveRendererFile } from '../api/renderer-files';
import type { StationHost } from '../api/station-host';
import { RendererFileCache } from './renderer-cache';
import {
  allowedHostHeaders,
  formatHost,
  hostAllowed,
  isLoopbackHost,
  newAccessToken,
  originAllowed,
  readCookie,
  sessionCookieName,
  tokensEqual,
  type AccessPolicy,
} from './access';

export const WS_PATH = '/api';
/**
 * The largest contract argument is a FIDO metadata BLOB (keyManager.importMetadata, 32 MiB).
 * Only a socket that passed the session check (the upgrade handler) reads messages at all.
 */
const MAX_MESSAGE_BYTES = 40 * 1024 * 1024;
const MAX_IN_FLIGHT = 16;

export interface BrowserHostOptions {
  host?: string;
  /** 0 picks a free port. */
  port: number;
  allowRemote?: boolean;
  rendererDir: string;
  station: Pick<StationHost, 'dispatch' | 'bus'>;
  /** Fixed launch token for tests; a fresh random one otherwise. */
  token?: string;
}

export interface RunningBrowserHost {
  /** The full URL to open, its one-time launch token included. */
  url: string;
  origin: string;
  port: number;
  /** The launch token in `url` (works once). */
  token: string;
  /** Another one-time URL (another browser, or a scripted client's socket). */
  newLaunchUrl(): string;
  close(): Promise<void>;
}

export class RemoteBindRefused extends Error {
  override readonly name = 'RemoteBindRefused';
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<RunningBrowserHost> {
  const bindHost = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(bindHost) && !options.allowRemote) {
    throw new RemoteBindRefused(
      `Refusing to listen on ${bindHost}: browser mode listens on loopback only unless --allow-remote is given.`,
    );
  }
  const token = options.token ?? newAccessToken();
  const policy: AccessPolicy = { token, port: 0, hosts: new Set() };
  const launchTokens = new Set<string>([token]);
  const sessions: string[] = [];
  /** Spends a launch token: true once per token, false ever after (and for anything else). */
  const spendLaunchToken = (given: string | null): boolean => {
    for (const t of launchTokens) {
      if (tokensEqual(t, given)) {
        launchTokens.delete(t);
        return true;
      }
    }
    return false;
  };
  const validSession = (given: string | null): boolean =>
    sessions.some((s) => tokensEqual(s, given));

  const files = new RendererFileCache();

  const server = createServer((req, res) => {
    handleHttp(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const hostHeader = req.headers.host;
    if (!hostAllowed(policy, hostHeader)) return plain(res, 403, 'Forbidden host');
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Method not allowed');
    const url = new URL(req.url ?? '/', `http://${hostHeader}`);
    const cookieName = sessionCookieName(policy.port);
    const queryToken = url.searchParams.get('token');
    const hasSession = validSession(readCookie(req.headers.cookie, cookieName));
    if (queryToken !== null) {
      // A fresh launch token opens a new session; a spent or wrong one is refused unless this
      // browser already has a session (then it is only dropped from the address bar).
      let session: string | null = null;
      if (spendLaunchToken(queryToken)) {
        session = newAccessToken();
        sessions.push(session);
      } else if (!hasSession) {
        return plain(
          res,
          403,
          'Keystation: this address was already used (its access token works once). Restart the station for a new one.',
        );
      }
      url.searchParams.delete('token');
      res.writeHead(303, {
        Location: url.pathname + (url.search === '?' ? '' : url.search),
        ...(session
          ? { 'Set-Cookie': `${cookieName}=${session}; HttpOnly; SameSite=Strict; Path=/` }
          : {}),
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
      });
      res.end();
      return;
    }
    if (!hasSession) {
      return plain(
        res,
        401,
        'Keystation: open the address the station printed when it started (it carries the access token).',
      );
    }
    const file = resolveRendererFile(options.rendererDir, url.pathname);
    if (!file) return plain(res, 404, 'Not found');
    const served = await files.get(file, headerText(req.headers['accept-encoding']));
    if (!served) return plain(res, 404, 'Not found');
    res.writeHead(200, {
      'Content-Type': served.contentType,
      'Content-Length': served.body.length,
      ...securityHeaders({ connect: [`ws://${hostHeader}`] }),
      'Cache-Control': served.cacheControl,
      Vary: 'Accept-Encoding, Cookie',
      ...(served.encoding ? { 'Content-Encoding': served.encoding } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : served.body);
  }

  const headerText = (h: string | string[] | undefined): string | undefined =>
    Array.isArray(h) ? h.join(',') : h;

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const hostHeader = req.headers.host;
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const launch = url.searchParams.get('token');
    const refusal =
      url.pathname !== WS_PATH
        ? '404 Not Found'
        : !hostAllowed(policy, hostHeader) || !originAllowed(policy, req.headers.origin, hostHeader)
          ? '403 Forbidden'
          : !(launch !== null
                ? spendLaunchToken(launch)
                : validSession(readCookie(req.headers.cookie, sessionCookieName(policy.port))))
            ? '401 Unauthorized'
            : null;
    if (refusal) {
      // The answer, then the connection destroyed (as ws's own abortHandshake does): a refused
      // client never gets a WebSocket, so the message limit below never applies to it, and
      // nothing it sends after its request is read or kept (docs/SECURITY-REVIEW.md).
      socket.once('finish', () => socket.destroy());
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    // Per-client limits (operator password backoff) key on the caller's address.
    const client = `browser:${req.socket.remoteAddress ?? 'unknown'}`;
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, client));
  });

  function serveSocket(ws: WebSocket, client: string): void {
    let inFlight = 0;
    const send = (message: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const sink: EventSink = (name, payload) => send({ event: name, payload });
    const detach = options.station.bus.attach(sink);
    ws.on('close', detach);
    ws.on('error', detach);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const request = parseRequest(data, isBinary);
      if (!request.ok) {
        send({ id: request.id, result: request.result });
        return;
      }
      if (inFlight >= MAX_IN_FLIGHT) {
        send({ id: request.id, result: fail('validation', 'tooManyCalls') });
        return;
      }
      inFlight += 1;
      options.station
        .dispatch(request.call, request.args, { host: 'browser', client, emit: sink })
        .catch((): Result<unknown> => fail('internal', 'unexpected'))
        .then((result) => send({ id: request.id, result }))
        .finally(() => {
          inFlight -= 1;
        });
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  policy.port = port;
  policy.hosts =
    options.allowRemote && !isLoopbackHost(bindHost) ? 'any' : allowedHostHeaders(bindHost, port);
  const origin = `http://${formatHost(bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost)}:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    newLaunchUrl() {
      const t = newAccessToken();
      launchTokens.add(t);
      return `${origin}/?token=${t}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

function fail(kind: 'validation' | 'internal', code: string): Result<never> {
  return { ok: false, error: { kind, code } };
}

type ParsedRequest =
  | { ok: true; id: number; call: string; args: unknown }
  | { ok: false; id: number | null; result: Result<never> };

function parseRequest(data: RawData, isBinary: boolean): ParsedRequest {
  if (isBinary) return { ok: false, id: null, result: fail('validation', 'malformedMessage') };
  let message: unknown;
  try {
    message = JSON.parse(data.toString());
  } catch {
    return { ok: false, id: null, result: fail('validation', 'malformedMessage') };
  }
  if (typeof message !== 'object' || message === null) {
    return { ok: false, id: null, result: fail('validation', 'malformedMessage') };
  }
  const { id, call, args } = message as { id?: unknown; call?: unknown; args?: unknown };
  const validId = typeof id === 'number' && Number.isSafeInteger(id) ? id : null;
  if (validId === null || typeof call !== 'string') {
    return { ok: false, id: validId, result: fail('validation', 'malformedMessage') };
  }
  return { ok: true, id: validId, call, args };
}
