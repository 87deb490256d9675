import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../main/db/connection';
import { ProvisioningRepository } from '../../../main/db/repositories/provisioning';
import { ProvisioningRun, type BoardEvent } from '../../../main/station/provisioning/engine';
import { ENTRA_RP_ID, bulkScriptOptions } from '../../../main/station/provisioning/options';
import type { PinSlip } from '../../../main/station/provisioning/slips';
import { openAuthenticator, type KeepaliveState } from '../../../native/index';
import type { UdpVirtualKey } from '../../../native/virtual-key';
import { startKeys } from './support';

function people(n: number, expiresAt = new Date(Date.now() + 3600_000).toISOString()) {
  return Array.from({ length: n }, (_, i) => {
    const upn = `p${i}@example.org`;
    const challenge = randomBytes(32).toString('base64url');
    return {
      personId: null,
      userId: null,
      upn,
      displayName: `P ${i}`,
      challenge,
      expiresAt,
      options: JSON.stringify(
        bulkScriptOptions(ENTRA_RP_ID, {
          upn,
          displayName: `P ${i}`,
          userHandle: randomBytes(16).toString('base64url'),
          challenge,
        }),
      ),
    };
  });
}

describe('provisioning engine: several keys, a key pulled mid-way', () => {
  let keys: UdpVirtualKey[];
  let dir: string;
  let db: Db;
  beforeAll(async () => {
    keys = await startKeys(2);
    dir = mkdtempSync(join(tmpdir(), 'ks-prov-engine-'));
    db = openDatabase({ path: join(dir, 'job.sqlite') });
  });
  afterAll(async () => {
    db.close();
    await Promise.all(keys.map((k) => k.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('the pulled key fails that attempt, the person is requeued and finished on the other key; the pulled key is recognised as not blank', async () => {
    const repo = new ProvisioningRepository(db);
    repo.createJob('unplug', '{}', new Date().toISOString(), people(4));
    const events: BoardEvent[] = [];
    const slips: PinSlip[] = [];
    const [a, b] = keys;
    let pulled = false;
    const run = new ProvisioningRun(
      repo,
      'unplug',
      { pinLength: 6, setMinPinLength: true, forcePinChange: true, resetConfirmed: true },
      {
        onEvent: (e) => {
          events.push(e);
          // Pull key A right after it made the credential (its test assertion is next).
          if (e.slot === a.path && e.step === 'test' && !pulled) {
            pulled = true;
            a.key.unplug();
          }
        },
        deliverSlip: (s) => {
          slips.push(s);
          return Promise.resolve();
        },
      },
    );
    const open = (path: string) => (onKeepalive: (s: KeepaliveState) => void) =>
      openAuthenticator(path, { onKeepalive });
    const [ra, rb] = await Promise.all([
      run.runKey(a.path, open(a.path)),
      run.runKey(b.path, open(b.path)),
    ]);
    // Over UDP a pulled key stops answering (USB reports it unplugged).
    expect(['keyRemoved', 'keyNotAnswering']).toContain(ra.reason);
    expect(ra.provisioned).toBe(0);
    expect(rb.provisioned).toBe(4);
    const requeued = events.find((e) => e.step === 'requeued');
    expect(requeued).toMatchObject({ slot: a.path, reason: ra.reason });
    const rows = repo.people('unplug');
    expect(rows.every((r) => r.state === 'done')).toBe(true);
    const again = rows.find((r) => r.upn === requeued!.upn)!;
    expect(again.attempts).toBe(2);
    expect(JSON.parse(again.stale_credentials)).toHaveLength(1);
    expect(slips.map((s) => s.upn).sort()).toEqual(rows.map((r) => r.upn).sort());

    // Key A back in: it holds the abandoned credential and a PIN nobody knows any more.
    a.key.plugIn();
    repo.createJob('after', '{}', new Date().toISOString(), people(1));
    const strict = new ProvisioningRun(
      repo,
      'after',
      { pinLength: 6, setMinPinLength: false, forcePinChange: false, resetConfirmed: false },
      { deliverSlip: () => Promise.resolve() },
    );
    expect(await strict.runKey(a.path, open(a.path))).toMatchObject({
      provisioned: 0,
      reason: 'keyNotBlank',
    });
    expect(repo.counts('after').queued).toBe(1);
  });

  it('an expired challenge fails that person with the reason and the key goes on with the next', async () => {
    const repo = new ProvisioningRepository(db);
    const list = people(2);
    repo.createJob('expiry', '{}', new Date().toISOString(), [
      { ...list[0], expiresAt: new Date(Date.now() - 1000).toISOString() },
      list[1],
    ]);
    const run = new ProvisioningRun(
      repo,
      'expiry',
      { pinLength: 6, setMinPinLength: false, forcePinChange: false, resetConfirmed: true },
      { deliverSlip: () => Promise.resolve() },
    );
    const k = keys[1];
    expect(
      await run.runKey(k.path, (onKeepalive) => openAuthenticator(k.path, { onKeepalive })),
    ).toMatchObject({ provisioned: 1 });
    const rows = repo.people('expiry');
    expect(rows.map((r) => [r.state, r.error])).toEqual([
      ['failed', 'challengeExpired'],
      ['done', null],
    ]);
  });
});
