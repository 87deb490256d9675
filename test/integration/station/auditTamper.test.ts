/**
 * Audit truncation and rollback made detectable (docs/SECURITY-REVIEW.md): someone with the
 * registry file (triggers dropped, rows deleted, the file swapped for an older backup) against
 * a station that checks its head before every append and compares with signed checkpoints in
 * an anchor directory outside the data directory.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpointFile, checkpointValid } from '../../../main/station/auditAnchor';
import { openStation, REGISTRY_FILE, type Station } from '../../../main/station/index';
import { stationContext } from '../../../main/station/internals';
import { RegistryInspection } from '../../../main/db/inspection';
import { RegistryTampering } from '../../../main/db/tampering';

const PASSWORD = 'correct horse battery';

let root: string;
let dataDir: string;
let anchorDir: string;
let station: Station | undefined;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ks-audit-tamper-'));
  dataDir = join(root, 'data');
  anchorDir = join(root, 'anchor');
});
afterEach(() => {
  station?.close();
  station = undefined;
  rmSync(root, { recursive: true, force: true });
});

function open(anchored: boolean): Station {
  station = openStation({
    dataDir,
    mode: 'demo',
    ...(anchored ? { auditAnchorDir: () => anchorDir } : {}),
  });
  return station;
}

function close(): void {
  station?.close();
  station = undefined;
}

/** Some history: an operator, their sign-ins, a policy change. */
async function history(s: Station): Promise<void> {
  s.operators.create({ username: 'desk', displayName: 'Desk', role: 'admin', password: PASSWORD });
  for (let i = 0; i < 3; i++) {
    await s.auth.signInOperator('desk', PASSWORD);
    s.auth.signOut();
  }
}

/** What an attacker with the file does: drop the append-only triggers, then `change` it. */
function tamper(change: (registry: RegistryTampering) => void): void {
  const registry = RegistryTampering.openFile(join(dataDir, REGISTRY_FILE));
  try {
    registry.unlockAudit();
    change(registry);
  } finally {
    registry.close();
  }
}

const rowCount = (s: Station): number =>
  new RegistryInspection(stationContext(s).db).auditRowCount();

describe('append checks the head first', () => {
  it('rows cut off the end stay found: the next sign-in is refused instead of hiding the cut', async () => {
    await history(open(false));
    close();
    tamper((r) => r.cutAuditTail(2));

    const s = open(false);
    expect(s.audit.integrityAlarm()).toMatchObject({ ok: false, problem: 'head' });
    const before = rowCount(s);
    // The operator's sign-in writes a row: refused, nothing written, nobody signed in.
    await expect(s.auth.signInOperator('desk', PASSWORD)).rejects.toMatchObject({
      code: 'registry.auditBroken',
    });
    expect(rowCount(s)).toBe(before);
    expect(s.session.actor.kind).toBe('system');
    // A change with its audit row is one transaction: refused as a whole.
    expect(() =>
      s.operators.create({ username: 'new.one', displayName: 'New', password: PASSWORD }),
    ).toThrow(expect.objectContaining({ code: 'registry.auditBroken' }));
    expect(s.operators.list().map((o) => o.username)).toEqual(['desk']);
    expect(s.audit.verify()).toMatchObject({ ok: false, problem: 'head' });
  });

  it('a head deleted with the rows is found by the next append too (no anchor needed)', async () => {
    await history(open(false));
    close();
    tamper((r) => {
      r.deleteAuditRowsAfter(3);
      r.deleteAuditHead();
    });
    const s = open(false);
    expect(() => s.audit.append('settings.changed', null, { key: 'x', value: 1 })).toThrow(
      expect.objectContaining({ code: 'registry.auditBroken' }),
    );
    expect(s.audit.integrityAlarm()).toMatchObject({ ok: false, problem: 'head' });
  });
});

describe('the anchor outside the registry', () => {
  it('writes a signed checkpoint of every committed change, none for a rolled-back one', async () => {
    const s = open(true);
    await history(s);
    await Promise.resolve();
    const cp = JSON.parse(readFileSync(checkpointFile(anchorDir, s.stationId), 'utf8'));
    expect(checkpointValid(stationContext(s).keys, s.stationId, cp)).toBe(true);
    expect(cp.seq).toBe(rowCount(s));
    // A change that rolls back leaves the checkpoint where it was.
    const db = stationContext(s).db;
    expect(() =>
      db.transaction(() => {
        s.audit.append('settings.changed', null, { key: 'x', value: 1 });
        throw new Error('rolled back');
      })(),
    ).toThrow('rolled back');
    await new Promise((r) => setImmediate(r));
    expect(JSON.parse(readFileSync(checkpointFile(anchorDir, s.stationId), 'utf8')).seq).toBe(
      cp.seq,
    );
    expect(s.audit.verify()).toMatchObject({ ok: true, anchoredSeq: cp.seq });
  });

  it('every row and the head deleted: verify reports it, the next append is refused', async () => {
    await history(open(true));
    close();
    tamper((r) => {
      r.deleteAuditLog();
      r.deleteAuditHead();
    });
    const s = open(true);
    expect(s.audit.verify()).toMatchObject({ ok: false, rows: 0, problem: 'truncated' });
    await expect(s.auth.signInOperator('desk', PASSWORD)).rejects.toMatchObject({
      code: 'registry.auditBroken',
    });
    expect(rowCount(s)).toBe(0);
  });

  it('the registry rolled back to an older backup: verify reports it, the next append is refused', async () => {
    const s = open(true);
    await history(s);
    const backup = join(root, 'older.sqlite');
    const made = await s.backup(backup);
    // The backup carries its own signed checkpoint.
    const sidecar = JSON.parse(readFileSync(made.checkpointPath, 'utf8'));
    expect(checkpointValid(stationContext(s).keys, s.stationId, sidecar)).toBe(true);
    await s.auth.signInOperator('desk', PASSWORD);
    s.auth.signOut();
    close();
    copyFileSync(backup, join(dataDir, REGISTRY_FILE));
    rmSync(join(dataDir, `${REGISTRY_FILE}-wal`), { force: true });
    rmSync(join(dataDir, `${REGISTRY_FILE}-shm`), { force: true });

    const again = open(true);
    expect(again.audit.verify()).toMatchObject({ ok: false, problem: 'rolledBack' });
    expect(again.audit.integrityAlarm()).toMatchObject({ problem: 'rolledBack' });
    await expect(again.auth.signInOperator('desk', PASSWORD)).rejects.toMatchObject({
      code: 'registry.auditBroken',
    });
    // Without the anchor the older copy would look fine: that is what the anchor adds.
    close();
    expect(open(false).audit.verify().ok).toBe(true);
  });

  it('a checkpoint not signed by this station (edited, or written with another key) is tampering', async () => {
    const s = open(true);
    await history(s);
    await Promise.resolve();
    const file = checkpointFile(anchorDir, s.stationId);
    const cp = JSON.parse(readFileSync(file, 'utf8'));
    close();
    writeFileSync(file, JSON.stringify({ ...cp, seq: 1 }));
    expect(open(true).audit.verify()).toMatchObject({ ok: false, problem: 'anchor' });
  });

  it('exports carry the signed checkpoint of the head', async () => {
    const s = open(true);
    await history(s);
    const { csv, rows } = s.auditViewer.exportCsv({});
    const parsed = parse(csv) as string[][];
    expect(parsed).toHaveLength(rows + 2);
    const last = parsed.at(-1)!;
    expect(last[4]).toBe('audit.checkpoint');
    const cp = JSON.parse(last[6]);
    expect(checkpointValid(stationContext(s).keys, s.stationId, cp)).toBe(true);
    expect(cp.seq).toBe(rowCount(s));
    const jsonLines = s.roster.exportAudit().trim().split('\n');
    const tail = JSON.parse(jsonLines.at(-1)!) as { checkpoint: unknown };
    expect(checkpointValid(stationContext(s).keys, s.stationId, tail.checkpoint)).toBe(true);
  });
});
