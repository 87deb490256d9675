import { describe, expect, it } from 'vitest';
import {
  allowedHostHeaders,
  isLoopbackHost,
  originAllowed,
  readCookie,
  tokensEqual,
  newAccessToken,
} from '../../../main/browser-host/access';
import { parseServeArgs, UsageError } from '../../../main/browser-host/cli';
import { resolveRendererFile } from '../../../main/api/renderer-files';
import { contentSecurityPolicy } from '../../../main/api/content-security-policy';

describe('access checks', () => {
  it('tokens are long, random and compared exactly', () => {
    const a = newAccessToken();
    expect(a.length).toBeGreaterThanOrEqual(43);
    expect(newAccessToken()).not.toBe(a);
    expect(tokensEqual(a, a)).toBe(true);
    expect(tokensEqual(a, a.slice(1))).toBe(false);
    expect(tokensEqual(a, null)).toBe(false);
  });
  it('knows loopback', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])
      expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '10.0.0.1', '192.168.0.2', 'example.com', '::'])
      expect(isLoopbackHost(h)).toBe(false);
  });
  it('Origin must be this very host', () => {
    const policy = { token: 't', port: 5199, hosts: allowedHostHeaders('127.0.0.1', 5199) };
    expect(originAllowed(policy, 'http://127.0.0.1:5199', '127.0.0.1:5199')).toBe(true);
    expect(originAllowed(policy, 'http://localhost:5199', 'localhost:5199')).toBe(true);
    expect(originAllowed(policy, 'http://evil.example', '127.0.0.1:5199')).toBe(false);
    expect(originAllowed(policy, 'http://127.0.0.1:5199', 'evil.example:5199')).toBe(false);
    expect(originAllowed(policy, undefined, '127.0.0.1:5199')).toBe(false);
  });
  it('reads cookies', () => {
    expect(readCookie('a=1; ks_session_1=xyz; b=2', 'ks_session_1')).toBe('xyz');
    expect(readCookie('ks_session_10=xyz', 'ks_session_1')).toBeNull();
    expect(readCookie(undefined, 'a')).toBeNull();
  });
});

describe('renderer files', () => {
  it('resolves inside the root only', () => {
    expect(resolveRendererFile('/r', '/')).toBe('/r/index.html');
    expect(resolveRendererFile('/r', '/assets/a.js')).toBe('/r/assets/a.js');
    for (const p of [
      '/../etc/passwd',
      '/%2e%2e/x',
      '/a/../../x',
      '/.env',
      '/%E0%A4%A',
      '/a\\..\\b',
      '/%00',
    ]) {
      expect(resolveRendererFile('/r', p)).toBeNull();
    }
  });
});

describe('CSP', () => {
  it('is strict outside development', () => {
    const csp = contentSecurityPolicy();
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    expect(csp).toContain("object-src 'none'");
    expect(contentSecurityPolicy({ development: true })).toContain("'unsafe-inline'");
  });
});

describe('serve arguments', () => {
  it('parses the documented command', () => {
    const a = parseServeArgs(['--port', '5199', '--data-dir', '/tmp/ks', '--demo'], {});
    expect(a).toMatchObject({
      port: 5199,
      dataDir: '/tmp/ks',
      demo: true,
      host: '127.0.0.1',
      allowRemote: false,
    });
  });
  it('rejects nonsense', () => {
    for (const argv of [
      ['--port'],
      ['--port', 'x'],
      ['--port', '70000'],
      ['--frobnicate'],
      ['--stop-after', '-1'],
    ]) {
      expect(() => parseServeArgs(argv, {})).toThrow(UsageError);
    }
  });
  it('takes an audit anchor outside the data directory only', () => {
    expect(
      parseServeArgs(['--data-dir', '/tmp/ks', '--audit-anchor', '/mnt/anchor'], {}),
    ).toMatchObject({ auditAnchorDir: '/mnt/anchor' });
    for (const anchor of ['/tmp/ks', '/tmp/ks/anchor', '/tmp/ks/../ks/a']) {
      expect(() => parseServeArgs(['--data-dir', '/tmp/ks', '--audit-anchor', anchor], {})).toThrow(
        /outside the data directory/,
      );
    }
    expect(
      parseServeArgs(['--data-dir', '/tmp/ks', '--audit-anchor', '/tmp/ks2'], {}),
    ).toMatchObject({
      auditAnchorDir: '/tmp/ks2',
    });
  });
});
