/**
 * The local test identity provider: two HTTPS listeners on 127.0.0.1 (the authority host and
 * the Graph host) with certificates from a test CA made in memory at start. A test starts it,
 * seeds it, switches faults on, asks it what it holds, and closes it; it also closes itself
 * after an idle time and a hard time limit so a forgotten instance never lingers.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ProviderClock } from './clock';
import { json, type ProviderContext, type Reply, type RequestInfo } from './context';
import { FaultControl, type FaultHost } from './faults';
import { authenticate, callFrom, graphError, matchGraph, type GraphSettings } from './graph';
import {
  TEST_ATTESTATION_ROOT_PEM,
  VIRTUAL_KEY_AAGUID,
  VIRTUAL_KEY_MODEL_NAME,
} from '../../../native/virtual-key';
import { createTestCa, issueServerCertificate } from './pki';
import { SeededTenant } from './seed';
import { newTenant } from './state';
import { handleLogin, loginEndpoint } from './token';

export interface GraphProviderOptions {
  /** Close after this long without a request (default 5 min). */
  idleTimeoutMs?: number;
  /** Close after this long in any case (default 30 min). */
  hardTimeoutMs?: number;
  /** Fixed ports (default 0: the OS picks free ones). */
  loginPort?: number;
  graphPort?: number;
  /** AAGUID → model name (added to the built-in list: the virtual key, common YubiKeys). */
  models?: Record<string, string>;
  /** Extra attestation roots counted as `attested` (the virtual key's test root is built in). */
  attestationRoots?: string[];
  /** Keep a log entry per request (default true; benches may turn it off). */
  logRequests?: boolean;
}

export interface RequestLogEntry {
  readonly seq: number;
  readonly at: string;
  readonly host: FaultHost;
  readonly method: string;
  /** The path as requested (no query string). */
  readonly path: string;
  /** Route template, e.g. `POST /users/{id}/authentication/fido2Methods`; `?` when unknown. */
  readonly endpoint: string;
  readonly version?: 'v1.0' | 'beta';
  /** HTTP status sent, or 'dropped' when the connection was destroyed instead. */
  readonly status: number | 'dropped';
  /** Faults applied to this request (throttle:429, error:503, dropReply, latency …). */
  readonly faults: readonly string[];
  readonly appId?: string;
  /** Set on the items of a $batch: the batch's number (1, 2, …). */
  readonly batchOf?: number;
}

const MAX_BODY = 4 * 1024 * 1024;

const BUILTIN_MODELS: Record<string, string> = {
  [VIRTUAL_KEY_AAGUID]: VIRTUAL_KEY_MODEL_NAME,
  'cb69481e-8ff7-4039-93ec-0a2729a154a8': 'YubiKey 5 Series with NFC',
  'ee882879-721c-4913-9775-3dfcce97072a': 'YubiKey 5 Series',
  'fa2b99dc-9e39-4257-8f92-4a30d23c4118': 'YubiKey 5 Series with NFC',
  '2fc0579f-8113-47ea-b116-555a8db9202a': 'YubiKey 5 Series with NFC',
};

export class GraphProvider {
  readonly clock = new ProviderClock();
  readonly faults = new FaultControl();
  /** Every request, in order (see RequestLogEntry). */
  readonly requests: RequestLogEntry[] = [];
  private readonly ctx: ProviderContext;
  private readonly settings: GraphSettings;
  private readonly loginServer: Server;
  private readonly graphServer: Server;
  private seq = 0;
  private batches = 0;
  private idleTimer?: NodeJS.Timeout;
  private hardTimer?: NodeJS.Timeout;
  private closing?: Promise<void>;
  private markClosed!: () => void;
  private readonly closedSignal = new Promise<void>((resolve) => (this.markClosed = resolve));
  private readonly seeded = new Map<string, SeededTenant>();
  private caFilePath?: string;
  private readonly logRequests: boolean;

  private constructor(
    private readonly opts: GraphProviderOptions,
    private readonly credentials: { caPem: string; certPem: string; keyPem: string },
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.ctx = {
      clock: this.clock,
      tenants: new Map(),
      loginUrl: '',
      graphUrl: '',
      signingKey: privateKey,
      signingPublicKey: publicKey,
      signingKeyId: randomBytes(16).toString('base64url'),
      caPem: credentials.caPem,
    };
    this.settings = {
      fido2: {
        models: new Map(Object.entries({ ...BUILTIN_MODELS, ...(opts.models ?? {}) })),
        attestationRoots: [TEST_ATTESTATION_ROOT_PEM, ...(opts.attestationRoots ?? [])],
      },
    };
    this.logRequests = opts.logRequests ?? true;
    const tls = { cert: credentials.certPem, key: credentials.keyPem };
    this.loginServer = createServer(tls, (q, r) => void this.onRequest('login', q, r));
    this.graphServer = createServer(tls, (q, r) => void this.onRequest('graph', q, r));
    for (const s of [this.loginServer, this.graphServer]) {
      s.keepAliveTimeout = 5_000;
      s.on('tlsClientError', () => undefined);
    }
  }

  /** Start a provider (no tenant yet: add one with addTenant()). */
  static async start(opts: GraphProviderOptions = {}): Promise<GraphProvider> {
    const ca = createTestCa();
    const p = new GraphProvider(opts, issueServerCertificate(ca));
    const listen = (s: Server, port: number) =>
      new Promise<number>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, '127.0.0.1', () => resolve((s.address() as AddressInfo).port));
      });
    const loginPort = await listen(p.loginServer, opts.loginPort ?? 0);
    const graphPort = await listen(p.graphServer, opts.graphPort ?? 0);
    p.ctx.loginUrl = `https://127.0.0.1:${loginPort}`;
    p.ctx.graphUrl = `https://127.0.0.1:${graphPort}`;
    p.armTimers();
    return p;
  }

  /** Authority host base URL (the station's "authority host" setting), no trailing slash. */
  get authorityHost(): string {
    return this.ctx.loginUrl;
  }
  /** Graph base URL (the station's "Graph host" setting), no trailing slash, no version. */
  get graphUrl(): string {
    return this.ctx.graphUrl;
  }
  /** PEM of the test CA that issued both hosts' certificates (trust it via `ca` or NODE_EXTRA_CA_CERTS). */
  get caPem(): string {
    return this.credentials.caPem;
  }
  /** Write the CA PEM to a file once (for NODE_EXTRA_CA_CERTS in a child process); returns its path. */
  caFile(): string {
    if (!this.caFilePath) {
      const dir = mkdtempSync(join(tmpdir(), 'keystation-test-provider-'));
      this.caFilePath = join(dir, 'test-provider-ca.pem');
      writeFileSync(this.caFilePath, this.caPem);
    }
    return this.caFilePath;
  }

  /** Add a tenant (default domain `keystation-test{n}.onmicrosoft.com`). */
  addTenant(opts: { id?: string; domain?: string; displayName?: string } = {}): SeededTenant {
    const n = this.ctx.tenants.size + 1;
    const id = (opts.id ?? randomUUID()).toLowerCase();
    const domain = opts.domain ?? `keystation-test${n === 1 ? '' : n}.onmicrosoft.com`;
    const t = newTenant(id, domain, opts.displayName ?? 'Keystation Test');
    this.ctx.tenants.set(id, t);
    const s = new SeededTenant(this.ctx, t);
    this.seeded.set(id, s);
    return s;
  }
  tenant(idOrDomain: string): SeededTenant {
    const k = idOrDomain.toLowerCase();
    const s =
      this.seeded.get(k) ?? [...this.seeded.values()].find((x) => x.domain.toLowerCase() === k);
    if (!s) throw new Error(`no tenant ${idOrDomain}`);
    return s;
  }

  /** Requests per endpoint template (e.g. {'POST /users/{id}/authentication/fido2Methods': 3}). */
  requestCounts(filter: (e: RequestLogEntry) => boolean = () => true): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.requests) if (filter(e)) out[e.endpoint] = (out[e.endpoint] ?? 0) + 1;
    return out;
  }
  clearRequestLog(): void {
    this.requests.length = 0;
  }

  /** Stop both listeners and drop open connections. Safe to call twice. */
  close(): Promise<void> {
    if (!this.closing) {
      clearTimeout(this.idleTimer);
      clearTimeout(this.hardTimer);
      const stop = (s: Server) =>
        new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections();
        });
      this.closing = Promise.all([stop(this.loginServer), stop(this.graphServer)]).then(() => {
        if (this.caFilePath) rmSync(dirname(this.caFilePath), { recursive: true, force: true });
        this.markClosed();
      });
    }
    return this.closing;
  }
  get closed(): boolean {
    return this.closing !== undefined;
  }
  /** Resolves once the provider has closed (by close(), the idle or the hard timeout). */
  whenClosed(): Promise<void> {
    return this.closedSignal;
  }

  private armTimers(): void {
    const hard = this.opts.hardTimeoutMs ?? 30 * 60_000;
    this.hardTimer = setTimeout(() => void this.close(), hard);
    this.hardTimer.unref();
    this.touch();
  }
  private touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.close(), this.opts.idleTimeoutMs ?? 5 * 60_000);
    this.idleTimer.unref();
  }

  private log(e: Omit<RequestLogEntry, 'seq' | 'at'>): number {
    const seq = ++this.seq;
    const entry = { seq, at: this.clock.iso(), ...e };
    if (this.logRequests) this.requests.push(entry);
    for (const w of [...this.watchers]) w(entry);
    return seq;
  }

  private readonly watchers = new Set<(e: RequestLogEntry) => void>();

  /**
   * Calls `fn` with each request as it is logged: after the provider processed it and before
   * its reply is written (a crash test can stop its client exactly there). Returns an unwatch.
   */
  watch(fn: (e: RequestLogEntry) => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  private async onRequest(host: FaultHost, q: IncomingMessage, r: ServerResponse): Promise<void> {
    this.touch();
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const c of q) {
        size += (c as Buffer).length;
        if (size > MAX_BODY) {
          this.send(
            r,
            json(413, {
              error: { code: 'RequestEntityTooLarge', message: 'Request body too large.' },
            }),
          );
          return;
        }
        chunks.push(c as Buffer);
      }
    } catch {
      return;
    }
    const url = new URL(q.url ?? '/', 'https://x');
    const req: RequestInfo = {
      method: (q.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      headers: q.headers,
      body: Buffer.concat(chunks),
    };
    const out = await this.dispatch(host, req);
    if (out === 'dropped') {
      q.socket.destroy();
      return;
    }
    const crid = q.headers['client-request-id'];
    this.send(r, out, typeof crid === 'string' ? crid.slice(0, 100) : undefined);
  }

  private send(r: ServerResponse, reply: Reply, clientRequestId?: string): void {
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    let payload: string | undefined;
    if (reply.body !== undefined) {
      payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      headers['Content-Type'] ??= 'application/json; charset=utf-8';
    }
    headers['request-id'] ??= randomUUID();
    if (clientRequestId) headers['client-request-id'] = clientRequestId;
    r.writeHead(reply.status, headers);
    r.end(payload);
  }

  /** One request through faults and handlers; 'dropped' means: destroy the connection. */
  private async dispatch(
    host: FaultHost,
    req: RequestInfo,
    batchOf?: number,
  ): Promise<Reply | 'dropped'> {
    let endpoint: string;
    let handle: () => Promise<Reply>;
    let version: 'v1.0' | 'beta' | undefined;
    let appId: string | undefined;
    if (host === 'login') {
      const ep = loginEndpoint(req.method, req.path);
      endpoint = ep ?? `${req.method} ?`;
      handle = async () =>
        ep ? handleLogin(this.ctx, ep, req) : json(404, { error: 'not_found' });
    } else if (
      req.method === 'POST' &&
      /^\/(v1\.0|beta)\/\$batch$/.test(req.path) &&
      batchOf === undefined
    ) {
      endpoint = 'POST /$batch';
      version = req.path.startsWith('/beta') ? 'beta' : 'v1.0';
      handle = () => this.batch(req, version!);
    } else {
      const match = matchGraph(req.method, req.path);
      endpoint = match?.endpoint ?? `${req.method} ?`;
      version = match?.version;
      handle = async () => {
        if (!match) {
          const v = req.path.split('/')[1];
          if (v !== 'v1.0' && v !== 'beta')
            return graphError(req, 400, 'BadRequest', 'Invalid version.');
          return graphError(
            req,
            400,
            'BadRequest',
            `Resource not found for the segment '${req.path.split('/').pop()}'.`,
          );
        }
        const caller = authenticate(this.ctx, req);
        if ('status' in caller) return caller;
        appId = caller.app.appId;
        let body: unknown = undefined;
        if (req.body.length) {
          try {
            body = JSON.parse(req.body.toString('utf8'));
          } catch {
            return graphError(
              req,
              400,
              'BadRequest',
              'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
            );
          }
        }
        return match.route.handler(callFrom(this.ctx, req, match, caller, body, this.settings));
      };
    }

    const d = this.faults.decide(host, req.method, endpoint);
    const entry = {
      host,
      method: req.method,
      path: req.path,
      endpoint,
      version,
      faults: d.applied,
      batchOf,
    };
    if (d.dropRequest && batchOf === undefined) {
      this.log({ ...entry, status: 'dropped' });
      return 'dropped';
    }
    if (d.latencyMs) await delay(d.latencyMs);
    if (d.reply) {
      const reply =
        d.reply.kind === 'throttle'
          ? host === 'graph'
            ? graphError(
                req,
                d.reply.status,
                d.reply.status === 429 ? 'TooManyRequests' : 'serviceNotAvailable',
                d.reply.status === 429 ? 'Too many requests.' : 'Service unavailable. Retry later.',
                { 'Retry-After': String(d.reply.retryAfterSeconds) },
              )
            : json(
                d.reply.status,
                {
                  error: 'temporarily_unavailable',
                  error_description:
                    'AADSTS50196: The server terminated an operation because it encountered a client request loop.',
                },
                { 'Retry-After': String(d.reply.retryAfterSeconds) },
              )
          : host === 'graph'
            ? graphError(
                req,
                d.reply.status,
                'generalException',
                'An error occurred in the test provider (injected).',
              )
            : json(d.reply.status, {
                error: 'server_error',
                error_description: 'AADSTS90033: A transient error has occurred. Please try again.',
              });
      this.log({ ...entry, status: reply.status });
      return reply;
    }
    let reply: Reply;
    try {
      reply = await handle();
    } catch (e) {
      reply = graphError(
        req,
        500,
        'generalException',
        `Test provider failure: ${(e as Error).message}`,
      );
    }
    if (d.dropReply && batchOf === undefined) {
      this.log({ ...entry, appId, status: 'dropped' });
      return 'dropped';
    }
    this.log({ ...entry, appId, status: reply.status });
    return reply;
  }

  private async batch(req: RequestInfo, version: 'v1.0' | 'beta'): Promise<Reply> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body.toString('utf8'));
    } catch {
      return graphError(req, 400, 'BadRequest', 'Invalid batch payload format.');
    }
    const requests = (parsed as { requests?: unknown })?.requests;
    if (!Array.isArray(requests))
      return graphError(req, 400, 'BadRequest', 'Invalid batch payload format.');
    if (requests.length > 20)
      return graphError(
        req,
        400,
        'BadRequest',
        'Number of batch request steps exceeds the maximum of 20.',
      );
    const ids = new Set<string>();
    const outer = ++this.batches;
    const responses: unknown[] = [];
    for (const item of requests as Array<Record<string, unknown>>) {
      const id = String(item.id ?? '');
      if (!id || ids.has(id))
        return graphError(
          req,
          400,
          'BadRequest',
          'Batch request ids must be unique and non-empty.',
        );
      ids.add(id);
      const url = String(item.url ?? '');
      const u = new URL(url.startsWith('/') ? url : `/${url}`, 'https://x');
      const headers = {
        ...(item.headers as Record<string, string> | undefined),
        authorization: String(req.headers.authorization ?? ''),
      };
      const bodyBuf =
        item.body === undefined
          ? Buffer.alloc(0)
          : Buffer.from(typeof item.body === 'string' ? item.body : JSON.stringify(item.body));
      const inner: RequestInfo = {
        method: String(item.method ?? 'GET').toUpperCase(),
        path: `/${version}${u.pathname}`,
        query: u.searchParams,
        headers,
        body: bodyBuf,
      };
      const r = (await this.dispatch('graph', inner, outer)) as Reply;
      responses.push({
        id,
        status: r.status,
        headers: { 'Content-Type': 'application/json', ...(r.headers ?? {}) },
        ...(r.body !== undefined ? { body: r.body } : {}),
      });
    }
    return json(200, { responses });
  }
}

/** Start a provider (see GraphProvider.start). */
export const startGraphProvider = (opts?: GraphProviderOptions): Promise<GraphProvider> =>
  GraphProvider.start(opts);
