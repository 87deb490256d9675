import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../main/provision-cli/main';
import { openStation } from '../../../main/station/index';
import type { UdpVirtualKey } from '../../../native/virtual-key';
import { optionsJsonl, pinsFromSlips, startKeys, startWorld, type World } from './support';

describe('keystation-provision --data-dir: the registry side', () => {
  let w: World;
  let keys: UdpVirtualKey[];
  let dir: string;
  beforeAll(async () => {
    w = await startWorld(3);
    keys = await startKeys(2);
    dir = mkdtempSync(join(tmpdir(), 'ks-prov-dd-'));
  });
  afterAll(async () => {
    await Promise.all(keys.map((k) => k.close()));
    await w.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('roster people get a security-key method with the credential in the same transaction; people outside the roster only in the file', async () => {
    const dataDir = join(dir, 'station');
    const [inRoster, other, third] = w.upns;
    const s0 = openStation({ dataDir });
    for (const upn of [inRoster, third])
      s0.people.create({ upn, displayName: w.tenant.user(upn).displayName });
    s0.close();
    const optionsFile = join(dir, 'options.jsonl');
    writeFileSync(optionsFile, optionsJsonl(w, [inRoster, other, third]));
    const out = join(dir, 'out');
    const code = await main(
      [
        '--data-dir',
        dataDir,
        '--options',
        optionsFile,
        '--out',
        out,
        ...keys.flatMap((k) => ['--device', k.path]),
        '--reset',
      ],
      { line: () => undefined, text: () => undefined },
    );
    expect(code).toBe(0);
    const lines = readFileSync(join(out, 'registrations.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    const s = openStation({ dataDir });
    try {
      for (const upn of [inRoster, third]) {
        const person = s.people.getByUpn(upn);
        const methods = s.methods.list(person.id);
        expect(methods.map((m) => m.kind)).toEqual(['securityKey']);
        const line = lines
          .map((l) => JSON.parse(l) as { upn: string; body: { displayName: string } })
          .find((l) => l.upn === upn)!;
        expect(methods[0].label).toBe(line.body.displayName);
      }
      expect(s.people.findByUpn(other)).toBeUndefined();
      const job = s.provisioning.repo.latestJob()!;
      expect(s.provisioning.repo.people(job.id).every((p) => p.state === 'done')).toBe(true);
    } finally {
      s.close();
    }
    // Nothing secret in the registry: no slip PIN anywhere in its files.
    const pins = [
      ...(await pinsFromSlips(readFileSync(join(out, 'pin-slips.pdf')))).values(),
    ].flat();
    expect(pins).toHaveLength(3);
    const files = readdirSync(dataDir).map((f) =>
      readFileSync(join(dataDir, f)).toString('latin1'),
    );
    for (const pin of pins) for (const f of files) expect(f.includes(pin)).toBe(false);
  });
});
