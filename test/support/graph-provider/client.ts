/**
 * A minimal HTTPS client for tests that talk to the provider directly (trusting its test CA),
 * plus token helpers: client secret, and a certificate-signed client assertion built the way
 * MSAL builds it (RS256 + x5t, or PS256 + x5t#S256; aud = the token endpoint).
 */
import { createPrivateKey, randomUUID } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { signJwt } from './jwt';
import { constants, sign } from 'node:crypto';
import type { AppCertificate } from './pki';

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Parsed JSON body (undefined when empty or not JSON). */
  json: unknown;
}

export function httpsCall(
  ca: string,
  url: string,
  opts: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    timeoutMs?: number;
  } = {},
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: opts.method ?? 'GET',
        headers: opts.headers,
        ca,
        agent: false,
        timeout: opts.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** POST the token endpoint with a form body. */
export function tokenRequest(
  ca: string,
  tokenEndpoint: string,
  form: Record<string, string>,
): Promise<HttpReply> {
  return httpsCall(ca, tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
    body: new URLSearchParams(form).toString(),
  });
}

/** A client assertion as MSAL Node makes it for a certificate credential. */
export function clientAssertion(
  cert: Pick<AppCertificate, 'keyPem' | 'thumbprintSha1' | 'thumbprintSha256'>,
  clientId: string,
  audience: string,
  opts: { alg?: 'RS256' | 'PS256'; lifetimeSeconds?: number; nowSeconds?: number } = {},
): string {
  const alg = opts.alg ?? 'RS256';
  const key = createPrivateKey(cert.keyPem);
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  const header: Record<string, unknown> = { alg, typ: 'JWT' };
  if (alg === 'RS256') header.x5t = Buffer.from(cert.thumbprintSha1, 'hex').toString('base64url');
  else header['x5t#S256'] = Buffer.from(cert.thumbprintSha256, 'hex').toString('base64url');
  const payload = {
    aud: audience,
    iss: clientId,
    sub: clientId,
    jti: randomUUID(),
    nbf: now,
    iat: now,
    exp: now + (opts.lifetimeSeconds ?? 600),
  };
  if (alg === 'RS256') return signJwt(header, payload, key);
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b64(header)}.${b64(payload)}`;
  const sig = sign('sha256', Buffer.from(input), {
    key,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 32,
  });
  return `${input}.${sig.toString('base64url')}`;
}
