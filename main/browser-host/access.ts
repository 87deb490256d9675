/**
 * Who may talk to the browser host (pure checks, unit-tested): a random per-launch token,
 * and Host / Origin headers naming the address we bound (against DNS rebinding and
 * cross-site WebSocket hijacking).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

export function newAccessToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokensEqual(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** The Host header values we answer to: the bound address plus the loopback names. */
export function allowedHostHeaders(boundHost: string, port: number): Set<string> {
  const hosts = new Set<string>([`${formatHost(boundHost)}:${port}`]);
  if (isLoopbackHost(boundHost)) {
    hosts.add(`127.0.0.1:${port}`);
    hosts.add(`localhost:${port}`);
    hosts.add(`[::1]:${port}`);
  }
  return hosts;
}

export function formatHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

export interface AccessPolicy {
  token: string;
  port: number;
  /** Host header values accepted; with --allow-remote any Host (the token still applies). */
  hosts: Set<string> | 'any';
}

export function hostAllowed(policy: AccessPolicy, hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  return policy.hosts === 'any' || policy.hosts.has(hostHeader.toLowerCase());
}

/** A WebSocket's Origin must be this very host's http origin (browsers always send it). */
export function originAllowed(
  policy: AccessPolicy,
  origin: string | undefined,
  hostHeader: string | undefined,
): boolean {
  if (!origin || !hostHeader || !hostAllowed(policy, hostHeader)) return false;
  return origin.toLowerCase() === `http://${hostHeader.toLowerCase()}`;
}

/** One cookie name per port: cookies are shared across ports of the same host. */
export function sessionCookieName(port: number): string {
  return `ks_session_${port}`;
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
