/**
 * Registry benchmark: search-as-you-type over N people and 3N methods, roster import
 * of N rows, full export, and opening the registry.
 *
 *   npm run bench:registry                      # short in CI (KS_SHORT=1 / CI=true), else 100 000
 *   npm run bench:registry -- --people 100000   # full
 *
 * Prints a table, then as the last line one JSON object:
 * {"search_p95_ms", "import_s", "export_s", "open_ms", "people"}.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStation } from '../../main/station/index';
import { stationContext } from '../../main/station/internals';

const SHORT = process.env.KS_SHORT === '1' || process.env.CI === 'true' || process.env.CI === '1';
const argPeople = process.argv.indexOf('--people');
const PEOPLE = argPeople > 0 ? Number(process.argv[argPeople + 1]) : SHORT ? 5_000 : 100_000;
if (!Number.isInteger(PEOPLE) || PEOPLE < 100) throw new Error('--people must be an integer ≥ 100');

const FIRST = [
  'Anna',
  'Erik',
  'Maria',
  'Lars',
  'Karin',
  'Johan',
  'Eva',
  'Anders',
  'Sara',
  'Per',
  'Åsa',
  'Björn',
  'Fatima',
  'Mohammed',
  'Li',
  'Sofia',
  'Oskar',
  'Elin',
  'Nils',
  'Ida',
  'Hanna',
  'Gustav',
  'Ebba',
  'Olle',
  'María',
  'Jörg',
  'Zeynep',
  'Aino',
  'Mikael',
  'Linnea',
];
const LAST = [
  'Svensson',
  'Johansson',
  'Karlsson',
  'Nilsson',
  'Eriksson',
  'Larsson',
  'Olsson',
  'Persson',
  'Andersson',
  'Lindqvist',
  'Berg',
  'Ek',
  'Öberg',
  'Ali',
  'Hussein',
  'Wang',
  'García',
  'Virtanen',
  'Holm',
  'Sandberg',
  'Lund',
  'Strand',
  'Åberg',
  'Nyström',
  'Sjöberg',
  'Forsberg',
  'Håkansson',
  'Lindberg',
  'Axelsson',
  'Jakobsson',
];
const DEPT = [
  'IT',
  'Sales',
  'HR',
  'Finance',
  'Research',
  'Legal',
  'Support',
  'Facilities',
  'Marketing',
  'Logistics',
];

let seed = 42;
const rnd = (n: number): number => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};
const ascii = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

function rosterCsv(n: number): { csv: string; names: string[] } {
  const lines = ['upn,display name,department,email,mobile'];
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const f = FIRST[rnd(FIRST.length)];
    const l = LAST[rnd(LAST.length)];
    names.push(`${f} ${l}`);
    lines.push(
      `${ascii(f)}.${ascii(l)}.${i}@bench.example,${f} ${l},${DEPT[rnd(DEPT.length)]},${ascii(f)}${i}@mail.example,+4670${String(1_000_000 + i).slice(-7)}`,
    );
  }
  return { csv: lines.join('\n'), names };
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(start);
  return (c.user + c.system) / 1e6;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

const dir = mkdtempSync(join(tmpdir(), 'ks-bench-'));
try {
  const { csv, names } = rosterCsv(PEOPLE);
  let station = openStation({ dataDir: dir });

  // Roster import: parse, validate, insert, index — one transaction.
  let t0 = performance.now();
  let c0 = process.cpuUsage();
  const imported = station.roster.import(csv);
  const importS = (performance.now() - t0) / 1000;
  const importCpuS = cpuSince(c0);
  if (imported.created !== PEOPLE || imported.errors.length)
    throw new Error(`import: ${JSON.stringify(imported).slice(0, 300)}`);

  // Three methods per person (not timed): app (sealed secret), SMS, and a key or email.
  t0 = performance.now();
  const db = stationContext(station).db;
  const sealed = stationContext(station).keys.seal(
    Buffer.from('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'),
    'totp',
  );
  const now = new Date().toISOString();
  const m = db.prepare(
    'INSERT INTO methods (person_id, kind, label, detail, secret, is_default, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const k = db.prepare(
    `INSERT INTO security_key_credentials (method_id, credential_id, public_key, aaguid, model_name, transports, attestation_format, rp_id, user_handle)
     VALUES (?, ?, ?, 'cb69481e-8ff7-4039-93ec-0a2729a154a8', 'YubiKey 5 Series', '["usb"]', 'packed', 'demo.keystation.local', ?)`,
  );
  db.transaction(() => {
    for (let id = 1; id <= PEOPLE; id++) {
      m.run(id, 'authenticatorApp', 'Authenticator app', '', sealed, 1, now);
      m.run(id, 'phoneSms', '', `+4670${String(1_000_000 + id).slice(-7)}`, null, 0, now);
      if (id % 2 === 0) {
        const info = m.run(id, 'securityKey', 'Key', 'YubiKey 5 Series', null, 0, now);
        k.run(Number(info.lastInsertRowid), randomBytes(32), randomBytes(77), randomBytes(16));
      } else m.run(id, 'email', '', `alt${id}@mail.example`, null, 0, now);
    }
  })();
  const methods = (db.prepare('SELECT count(*) AS n FROM methods').get() as { n: number }).n;
  const fillS = (performance.now() - t0) / 1000;
  station.close();

  // Opening an existing registry (median of 5).
  const opens: number[] = [];
  for (let i = 0; i < 5; i++) {
    t0 = performance.now();
    station = openStation({ dataDir: dir });
    opens.push(performance.now() - t0);
    if (i < 4) station.close();
  }
  const openMs = percentile(opens, 50);

  // Search-as-you-type: every prefix of 300 random names (as typed), plus UPN-style input.
  for (let i = 0; i < 50; i++) station.people.search(names[rnd(names.length)].slice(0, 3)); // warm-up
  const times: number[] = [];
  let hits = 0;
  c0 = process.cpuUsage();
  for (let i = 0; i < 300; i++) {
    const name = names[rnd(names.length)];
    const typed = i % 5 === 0 ? `${ascii(name).replace(' ', '.')}` : name;
    for (let len = 1; len <= typed.length; len++) {
      const q = typed.slice(0, len);
      t0 = performance.now();
      const r = station.people.search(q);
      times.push(performance.now() - t0);
      hits += r.length;
    }
  }
  if (hits === 0) throw new Error('search found nothing');
  const searchP95 = percentile(times, 95);
  const searchCpuMs = (cpuSince(c0) * 1000) / times.length;

  // Full export: the who-has-what CSV and every key as WebAuthn JSON.
  t0 = performance.now();
  c0 = process.cpuUsage();
  const report = station.roster.exportReportCsv();
  const keys = JSON.stringify(station.roster.exportWebAuthn());
  const exportS = (performance.now() - t0) / 1000;
  const exportCpuS = cpuSince(c0);
  if (report.split('\r\n').length < PEOPLE + 1 || keys.length < 100)
    throw new Error('export incomplete');
  station.close();

  const row = (a: string, b: string, c: string) =>
    console.log(`${a.padEnd(34)}${b.padStart(14)}  ${c}`);
  row('measure', 'value', 'target');
  row('people / methods', `${PEOPLE} / ${methods}`, '100 000 / 300 000 (full)');
  row('roster import (s)', importS.toFixed(3), '≤ 5');
  row('method fill, untimed (s)', fillS.toFixed(3), '');
  row('open registry, median of 5 (ms)', openMs.toFixed(1), '≤ 100');
  row(`search p95 over ${times.length} (ms)`, searchP95.toFixed(3), '≤ 5');
  row('search p50 (ms)', percentile(times, 50).toFixed(3), '');
  row('search max (ms)', Math.max(...times).toFixed(3), '');
  row('search CPU per query, mean (ms)', searchCpuMs.toFixed(3), '');
  row('roster import CPU (s)', importCpuS.toFixed(3), '');
  row('full export CPU (s)', exportCpuS.toFixed(3), '');
  row(
    'load average (1 min)',
    loadavg()[0].toFixed(2),
    `${cpus().length} CPUs (wall times include waiting)`,
  );
  row('full export (s)', exportS.toFixed(3), '≤ 5');
  console.log(
    JSON.stringify({
      search_p95_ms: Number(searchP95.toFixed(3)),
      import_s: Number(importS.toFixed(3)),
      export_s: Number(exportS.toFixed(3)),
      open_ms: Number(openMs.toFixed(1)),
      people: PEOPLE,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
