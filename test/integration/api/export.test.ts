/**
 * Getting data out (DESIGN.md §6) through the real host: dispatcher, authorisation guard, station.
 * WebAuthn registration JSON per person and for the roster, a verified backup written under
 * `<dataDir>/backups/`, the audit rows with the operator as actor, and the refusals for a kiosk
 * person and for nobody.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStationHost } from '../../../main/api';
import { MemorySettingsStore } from '../../../main/api/settings';
import type { StationHost } from '../../../main/api/station-host';
import { DEMO_ACCESS_PASS } from '../../../main/station';
import { contractCaller, firstRunSetup } from './contract-caller';
import type { BackupReport, WebAuthnExport } from '../../../preload/contract/roster';
import { RegistryInspection } from '../../../main/db/inspection';

const LARS = 'lars.nilsson@demo.keystation.local';

describe('roster.exportWebAuthn and roster.backup', () => {
  let dir: string;
  let host: StationHost;
  const { value, code } = contractCaller(() => host);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ks-export-'));
    host = await openStationHost({
      dataDir: dir,
      demo: true,
      settings: new MemorySettingsStore(),
      host: 'browser',
      version: 'test',
    });
    // First run in demo mode: the operator is signed in afterwards.
    await value(
      'operator.setup',
      firstRunSetup('demo', { username: 'op.export', rpId: 'demo.keystation.local' }),
    );
  });

  afterEach(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function enrollVirtualKey(personId: string): Promise<void> {
    await value('virtualKey.setTouchMode', { mode: 'auto' });
    const start = await value<{ enrollmentId: string; pinStep: string }>('securityKey.begin', {
      personId,
      deviceId: 'virtual-1',
      operationId: 'op-begin',
    });
    expect(start.pinStep).toBe('set');
    await value('securityKey.setPin', {
      enrollmentId: start.enrollmentId,
      pin: '482915',
      confirmation: '482915',
    });
    await value('securityKey.register', { enrollmentId: start.enrollmentId, operationId: 'op-r' });
    await value('securityKey.complete', {
      enrollmentId: start.enrollmentId,
      operationId: 'op-c',
      name: 'Export key',
    });
  }

  it('exports the standard registration JSON per person and for the roster', async () => {
    const lars = await value<{ people: { id: string; upn: string }[] }>('people.search', {
      query: 'lars nilsson',
    });
    const larsId = lars.people.find((p) => p.upn === LARS)?.id ?? '';
    expect(larsId).not.toBe('');
    await enrollVirtualKey(larsId);

    const mine = await value<WebAuthnExport>('roster.exportWebAuthn', { personId: larsId });
    expect(mine.person).toBe(LARS);
    const key = mine.keys.find((k) => k.keyName === 'Export key');
    expect(key).toBeDefined();
    expect(mine.keys.every((k) => k.upn === LARS)).toBe(true);
    const reg = key?.registration;
    expect(reg).not.toBeNull();
    expect(reg?.type).toBe('public-key');
    expect(reg?.id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(reg?.rawId).toBe(reg?.id);
    expect(reg?.id).toBe(key?.credential.id);
    expect(reg?.response.attestationObject).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const clientData = JSON.parse(
      Buffer.from(reg?.response.clientDataJSON ?? '', 'base64url').toString('utf8'),
    ) as { type: string; challenge: string };
    expect(clientData.type).toBe('webauthn.create');
    expect(Array.isArray(reg?.response.transports)).toBe(true);
    expect(reg?.response.transports).toContain('usb');
    expect(key?.rpId).toBe('demo.keystation.local');

    const roster = await value<WebAuthnExport>('roster.exportWebAuthn', {});
    expect(roster.person).toBeNull();
    expect(roster.keys.length).toBeGreaterThanOrEqual(mine.keys.length);
    expect(roster.keys.map((k) => k.credential.id)).toContain(key?.credential.id);
    // The export is JSON-safe (it crosses the WebSocket / IPC as plain JSON).
    expect(JSON.parse(JSON.stringify(roster))).toEqual(roster);

    expect(await code('roster.exportWebAuthn', { personId: '999999' })).toBe('person.notFound');

    const audit = await value<{
      rows: { action: string; actor: { kind: string; label: string }; details: object }[];
    }>('audit.list', { action: 'registry.exported' });
    expect(audit.rows.length).toBe(2);
    expect(audit.rows.every((r) => r.actor.kind === 'operator')).toBe(true);
    expect(audit.rows[0].details).toMatchObject({ format: 'webauthn' });
  });

  it('writes a verified backup under dataDir/backups and records it in the audit', async () => {
    const report = await value<BackupReport>('roster.backup', {});
    expect(report.fileName).toMatch(/^keystation-\d{8}T\d{6}Z(-\d+)?\.sqlite$/);
    const file = join(dir, 'backups', report.fileName);
    expect(existsSync(file)).toBe(true);
    expect(report.integrityOk).toBe(true);
    expect(report.auditOk).toBe(true);
    expect(report.bytes).toBe(readFileSync(file).length);
    expect(report.sha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
    const copy = RegistryInspection.openFile(file);
    try {
      expect(copy.integrityOk()).toBe(true);
      const people = copy.peopleCount();
      expect(people).toBeGreaterThan(0);
      expect(report.people).toBe(people);
    } finally {
      copy.close();
    }
    // A second backup in the same second gets its own file, never overwrites.
    const second = await value<BackupReport>('roster.backup', {});
    expect(second.fileName).not.toBe(report.fileName);
    // (Each copy has its audit checkpoint beside it.)
    expect(
      readdirSync(join(dir, 'backups'))
        .filter((f) => f.endsWith('.sqlite'))
        .sort(),
    ).toEqual([report.fileName, second.fileName].sort());

    const audit = await value<{
      rows: { action: string; actor: { kind: string; label: string }; details: object }[];
    }>('audit.list', { action: 'registry.backedUp' });
    expect(audit.rows.length).toBe(2);
    expect(audit.rows[0].actor).toMatchObject({ kind: 'operator', label: 'op.export' });
    expect(audit.rows[1].details).toMatchObject({ bytes: report.bytes });
  });

  it('refuses a kiosk person and nobody', async () => {
    await value('kiosk.start', {});
    await value('kiosk.signIn', { upn: DEMO_ACCESS_PASS.upn, pass: DEMO_ACCESS_PASS.pass });
    const me = await value<{ person: { id: string } | null; role: string }>('operator.status', {});
    expect(me.role).toBe('person');
    const ownId = me.person?.id ?? '';
    expect(await code('roster.exportWebAuthn', {})).toBe('session.operatorRequired');
    // Not even their own keys: exports are operator work (DESIGN.md §3.8, §6).
    expect(await code('roster.exportWebAuthn', { personId: ownId })).toBe(
      'session.operatorRequired',
    );
    expect(await code('roster.backup', {})).toBe('session.operatorRequired');
    await value('kiosk.finish', { reason: 'done' });
    const after = await value<{ role: string }>('operator.status', {});
    expect(after.role).toBe('nobody');
    expect(await code('roster.exportWebAuthn', {})).toBe('session.signInRequired');
    expect(await code('roster.backup', {})).toBe('session.signInRequired');
    expect(existsSync(join(dir, 'backups'))).toBe(false);
  });
});

describe('exports on a production station', () => {
  it('leave out the hidden demo people, in the roster export and by id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-export-prod-'));
    const host = await openStationHost({
      dataDir: dir,
      demo: true,
      settings: new MemorySettingsStore(),
      host: 'browser',
      version: 'test',
    });
    const { call } = contractCaller(() => host);
    try {
      // The open demo before first run: the seeded demo keys are exported.
      const before = await call('roster.exportWebAuthn', {});
      expect(before.ok).toBe(true);
      const demoKeys = (before as { value: WebAuthnExport }).value.keys;
      expect(demoKeys.length).toBeGreaterThan(0);
      const lars = await call('people.search', { query: 'lars nilsson' });
      const larsId = (lars as { value: { people: { id: string }[] } }).value.people[0].id;

      const setup = await call(
        'operator.setup',
        firstRunSetup('production', { username: 'op.prod' }),
      );
      expect(setup.ok).toBe(true);
      const after = await call('roster.exportWebAuthn', {});
      expect(after.ok).toBe(true);
      const keys = (after as { value: WebAuthnExport }).value.keys;
      expect(keys.filter((k) => k.upn.endsWith('@demo.keystation.local'))).toEqual([]);
      expect(keys).toHaveLength(0);
      const byId = await call('roster.exportWebAuthn', { personId: larsId });
      expect(byId.ok ? null : byId.error.code).toBe('person.notFound');
    } finally {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
