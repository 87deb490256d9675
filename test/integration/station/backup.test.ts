import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStation } from '../../../main/station/index';
import { FileKeySealer } from '../../../main/station/secrets';
import { makeStation } from '../../unit/station/helpers';

describe('backup and reopening', () => {
  it('online backup while open: verified copy that opens as a station with the same data', async () => {
    const t = makeStation({ demo: true });
    try {
      const dest = join(t.dir, 'backup', 'copy.sqlite');
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(t.dir, 'backup'));
      const r = await t.station.backup(dest);
      expect(r).toMatchObject({ integrityOk: true, auditOk: true });
      expect(r.bytes).toBeGreaterThan(0);
      await expect(t.station.backup(dest)).rejects.toMatchObject({ code: 'registry.backupFailed' });
      expect(t.station.audit.list({ limit: 1 })[0].action).toBe('registry.backedUp');
      // The copy is a full registry: open it as a station with the same sealer.
      const copyDir = join(t.dir, 'backup');
      const { renameSync } = await import('node:fs');
      renameSync(dest, join(copyDir, 'registry.sqlite'));
      const restored = openStation({
        dataDir: copyDir,
        secretSealer: new FileKeySealer(join(t.dir, 'station.key')),
      });
      expect(restored.people.count()).toBe(t.station.people.count());
      expect(restored.audit.verify().ok).toBe(true);
      restored.close();
    } finally {
      t.close();
    }
  });

  it('a registry opened with the wrong sealer refuses to start', () => {
    const t = makeStation();
    try {
      t.station.close();
      const other = { name: 'safeStorage', seal: (b: Buffer) => b, unseal: (b: Buffer) => b };
      expect(() => openStation({ dataDir: t.dir, secretSealer: other })).toThrow(
        /sealed by "file"/,
      );
      expect(existsSync(join(t.dir, 'registry.sqlite'))).toBe(true);
    } finally {
      t.close();
    }
  });

  it('opening an existing registry is fast', () => {
    const t = makeStation({ demo: true });
    try {
      t.station.close();
      const t0 = performance.now();
      const s = openStation({ dataDir: t.dir });
      const ms = performance.now() - t0;
      s.close();
      expect(ms).toBeLessThan(1000);
    } finally {
      t.close();
    }
  });
});
