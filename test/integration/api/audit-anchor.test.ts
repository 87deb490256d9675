/**
 * Choosing the audit anchor directory through the contract (docs/SECURITY-REVIEW.md "Audit
 * truncation and rollback"): an admin's full path outside the data directory, proven writable
 * with a signed checkpoint before it is kept; --audit-anchor wins and can't be changed here.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStationHost } from '../../../main/api';
import { MemorySettingsStore } from '../../../main/api/settings';
import type { StationHost } from '../../../main/api/station-host';
import { contractCaller } from './contract-caller';

const PASSWORD = 'a-long-operator-password';

describe('the audit anchor location', () => {
  let root: string;
  let host: StationHost;
  let settings: MemorySettingsStore;
  const { value, code } = contractCaller(() => host);

  async function start(commandLine?: string): Promise<void> {
    settings = new MemorySettingsStore({ stationMode: 'production' });
    host = await openStationHost({
      dataDir: join(root, 'data'),
      demo: false,
      settings,
      host: 'browser',
      version: 'test',
      ...(commandLine ? { auditAnchorDir: commandLine } : {}),
    });
    await value('operator.setup', {
      username: 'op.admin',
      displayName: 'Op Admin',
      password: PASSWORD,
      mode: 'production',
      organizationName: 'Org',
      rpId: 'login.example.org',
      rpName: 'Org',
      requiredCount: 1,
      requireSecurityKey: false,
      kioskIdleSeconds: 60,
    });
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ks-anchor-api-'));
  });
  afterEach(async () => {
    await host?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('an admin chooses a full path outside the data directory; a checkpoint is there at once', async () => {
    await start();
    expect(await value('audit.anchor', {})).toEqual({
      dir: null,
      fromCommandLine: false,
      checkpointSeq: null,
    });
    writeFileSync(join(root, 'a-file'), 'x');
    expect(await code('audit.setAnchor', { dir: 'relative/dir' })).toBe('audit.anchorNotAbsolute');
    expect(await code('audit.setAnchor', { dir: join(root, 'data', 'anchor') })).toBe(
      'audit.anchorInsideDataDir',
    );
    expect(await code('audit.setAnchor', { dir: join(root, 'a-file', 'anchor') })).toBe(
      'audit.anchorUnwritable',
    );
    expect(settings.get().auditAnchorDir).toBeNull();

    const anchor = join(root, 'anchor');
    const view = await value<{ dir: string; checkpointSeq: number }>('audit.setAnchor', {
      dir: anchor,
    });
    expect(view).toMatchObject({ dir: anchor, fromCommandLine: false });
    expect(view.checkpointSeq).toBeGreaterThan(0);
    expect(settings.get().auditAnchorDir).toBe(anchor);
    expect(await value('station.info', {})).toMatchObject({ auditIntact: true });
    const file = join(anchor, readdir(anchor)[0]);
    const first = JSON.parse(readFileSync(file, 'utf8')) as { seq: number; sig: string };
    expect(first.sig).toMatch(/^[\w-]{86}$/);
    // The next change moves the checkpoint on (its own row included).
    await value('operator.signOut', {});
    await value('operator.signInWithPassword', { username: 'op.admin', password: PASSWORD });
    await new Promise((r) => setImmediate(r));
    expect((JSON.parse(readFileSync(file, 'utf8')) as { seq: number }).seq).toBeGreaterThan(
      first.seq,
    );
    expect(await value('audit.verify', {})).toMatchObject({ ok: true });
  });

  it('--audit-anchor wins and is not changed from the console', async () => {
    const anchor = join(root, 'cli-anchor');
    await start(anchor);
    expect(await value('audit.anchor', {})).toMatchObject({ dir: anchor, fromCommandLine: true });
    expect(await code('audit.setAnchor', { dir: join(root, 'other') })).toBe(
      'audit.anchorFromCommandLine',
    );
  });
});

function readdir(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.checkpoint.json'));
}
