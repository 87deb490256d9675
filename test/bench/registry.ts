/**
 * Registry benchmark: on N people and 3N methods, the roster read model (docs/ROSTER.md) —
 * dashboard, roster pages with every filter combination the console offers, search as you type —
 * plus roster import of N rows, full export and opening the registry.
 *
 *   npm run bench:registry -- --people 100000   # full: fails (exit 1) when a goal is missed
 *   npm run bench:registry -- --short           # CI (also KS_SHORT=1 / CI=true): 3 000 people
 *
 * Goals (full mode): dashboard ≤ 100 ms, roster page p95 ≤ 20 ms, search p95 ≤ 5 ms. Each call
 * is timed on the wall clock and on the process's CPU clock. The CPU figure is what the station's
 * main process itself spends (the time it is frozen); the wall figure also holds the time the
 * process waited for a core. Both are judged when the machine has a core to spare (1-minute load
 * average below the number of CPUs); on a busier machine the wall figures are printed but only
 * the CPU figures are judged, and the table says so.
 *
 * Prints a table, then as the last line one JSON object: {"dashboard_ms", "roster_page_p95_ms",
 * "search_p95_ms", their CPU twins, "import_s", "export_s", "open_ms", "people", "methods", …}.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../main/db/connection';
import { MethodRepository, type MethodKindValue } from '../../main/db/repositories/methods';
import { DEMO_RP_ID, REGISTRY_FILE, openStation, type Station } from '../../main/station/index';
import type { RegistrationState, RosterQuery } from '../../main/station/roster';
import { VIRTUAL_KEY_AAGUID } from '../../native/virtual-key/identity';

const SHORT =
  process.argv.includes('--short') ||
  process.env.KS_SHORT === '1' ||
  process.env.CI === 'true' ||
  process.env.CI === '1';
const argPeople = process.argv.indexOf('--people');
const PEOPLE = argPeople > 0 ? Number(process.argv[argPeople + 1]) : SHORT ? 3_000 : 100_000;
if (!Number.isInteger(PEOPLE) || PEOPLE < 100) throw new Error('--people must be an integer ≥ 100');
const FULL = !SHORT;

const GOALS = { dashboardMs: 100, rosterPageP95Ms: 20, searchP95Ms: 5 };
/** The page size the console asks for (renderer/src/pages/operator/RosterPage.tsx). */
const PAGE = 200;

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
/** Methods per person, cycled: 3 on average, some people with none (every state occurs). */
const METHODS_PER_PERSON = [3, 0, 4, 3, 2, 5, 3, 1, 3, 6];
const KINDS: MethodKindValue[] = [
  'authenticatorApp',
  'phoneSms',
  'securityKey',
  'email',
  'phoneCall',
  'securityQuestions',
  'hardwareToken',
];
const MODELS = [
  { name: 'YubiKey 5 Series', aaguid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8' },
  { name: 'Feitian BioPass', aaguid: '77010bd7-212a-4fc9-b236-d2ca5e9d4084' },
  { name: 'Keystation virtual key', aaguid: VIRTUAL_KEY_AAGUID },
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

/** The roster CSV; one person in a hundred belongs to the demo organization. */
function rosterCsv(n: number): { csv: string; names: string[]; upns: string[] } {
  const lines = ['upn,display name,department,email,mobile'];
  const names: string[] = [];
  const upns: string[] = [];
  for (let i = 0; i < n; i++) {
    const f = FIRST[rnd(FIRST.length)];
    const l = LAST[rnd(LAST.length)];
    const domain = i % 100 === 99 ? DEMO_RP_ID : 'bench.example';
    const upn = `${ascii(f)}.${ascii(l)}.${i}@${domain}`;
    names.push(`${f} ${l}`);
    upns.push(upn);
    lines.push(
      `${upn},${f} ${l},${DEPT[rnd(DEPT.length)]},${ascii(f)}${i}@mail.example,+4670${String(1_000_000 + i).slice(-7)}`,
    );
  }
  return { csv: lines.join('\n'), names, upns };
}

/** Methods for every person through the registry's own repository, in one transaction. */
function fillMethods(dir: string, people: number): number {
  const db = openDatabase({ path: join(dir, REGISTRY_FILE) });
  const cache = db.pragma('cache_size', { simple: true }) as number;
  db.pragma('cache_size = -262144');
  const repo = new MethodRepository(db);
  const now = new Date().toISOString();
  let methods = 0;
  try {
    db.transaction(() => {
      for (let id = 1; id <= people; id++) {
        const count = METHODS_PER_PERSON[id % METHODS_PER_PERSON.length];
        let hasDefault = false;
        for (let j = 0; j < count; j++) {
          const kind = j === 0 ? KINDS[rnd(3)] : KINDS[rnd(KINDS.length)];
          const mfa = kind !== 'email' && kind !== 'securityQuestions';
          const detail = kind === 'phoneSms' || kind === 'phoneCall' ? `+4670${id}` : '';
          const methodId = repo.insert(
            id,
            { kind, label: kind, detail, secret: null, data: '{}', isDefault: mfa && !hasDefault },
            now,
          );
          hasDefault ||= mfa;
          methods++;
          if (kind === 'securityKey') {
            const model = MODELS[rnd(MODELS.length)];
            repo.insertKeyCredential(methodId, {
              credentialId: randomBytes(32),
              publicKey: randomBytes(77),
              aaguid: model.aaguid,
              modelName: model.name,
              signCount: 0,
              transports: ['usb'],
              attestationFormat: 'packed',
              rpId: 'bench.example',
              userHandle: randomBytes(16),
            });
          }
        }
      }
    })();
  } finally {
    db.pragma(`cache_size = ${cache}`);
    db.close();
  }
  return methods;
}

interface Sample {
  wall: number;
  cpu: number;
}

function timed<T>(f: () => T): { value: T; sample: Sample } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, sample: { wall, cpu: (c.user + c.system) / 1000 } };
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

const stat = (samples: Sample[], key: keyof Sample, p: number): number =>
  percentile(
    samples.map((s) => s[key]),
    p,
  );

/** The queries an operator types: every prefix of some names, and UPN-style input. */
function typedQueries(names: string[], upns: string[], count: number): string[] {
  const out = new Set<string>();
  for (let i = 0; i < count; i++) {
    const name = names[rnd(names.length)];
    for (let len = 1; len <= name.length; len++) out.add(name.slice(0, len));
    const upn = upns[rnd(upns.length)];
    for (const len of [3, 8, upn.length]) out.add(upn.slice(0, len));
  }
  out.add('svensson a');
  out.add('a s');
  return [...out];
}

/** Every filter combination the console offers, each followed through up to three pages. */
function measureRoster(station: Station, queries: string[]): { samples: Sample[]; worst: string } {
  const registrations: (RegistrationState | 'all')[] = [
    'all',
    'incomplete',
    'notStarted',
    'complete',
  ];
  const departments = [null, ...DEPT];
  const samples: Sample[] = [];
  let worst = { wall: -1, what: '' };
  for (const query of ['', ...queries])
    for (const registration of registrations)
      for (const department of departments) {
        let cursor: string | null = null;
        for (let page = 0; page < 3; page++) {
          const q: RosterQuery = { query, registration, department, limit: PAGE, cursor };
          const { value, sample } = timed(() => station.roster.list(q));
          samples.push(sample);
          if (sample.wall > worst.wall)
            worst = {
              wall: sample.wall,
              what: JSON.stringify({ query, registration, department, page }),
            };
          if (value.people.length > PAGE) throw new Error('page larger than asked for');
          cursor = value.nextCursor;
          if (!cursor) break;
        }
      }
  return { samples, worst: worst.what };
}

const dir = mkdtempSync(join(tmpdir(), 'ks-bench-'));
try {
  const { csv, names, upns } = rosterCsv(PEOPLE);
  let station = openStation({ dataDir: dir, mode: 'production' });

  // Roster import: parse, validate, insert, index — one transaction.
  const imp = timed(() => station.roster.import(csv));
  if (imp.value.created !== PEOPLE || imp.value.errors.length)
    throw new Error(`import: ${JSON.stringify(imp.value).slice(0, 300)}`);
  station.close();

  // Methods (not a goal; the read model's triggers run for each one).
  const fill = timed(() => fillMethods(dir, PEOPLE));
  const methods = fill.value;

  // Opening an existing registry (median of 5).
  const opens: Sample[] = [];
  for (let i = 0; i < 5; i++) {
    const o = timed(() => openStation({ dataDir: dir, mode: 'production' }));
    opens.push(o.sample);
    station = o.value;
    if (i < 4) station.close();
  }

  // Dashboard: the first call, then repeated calls.
  const dashFirst = timed(() => station.roster.dashboard());
  const total = dashFirst.value.total;
  if (total.complete + total.incomplete + total.notStarted !== PEOPLE - Math.floor(PEOPLE / 100))
    throw new Error(`dashboard counts ${JSON.stringify(total)} (demo people must be hidden)`);
  const dash: Sample[] = [];
  for (let i = 0; i < (FULL ? 60 : 20); i++)
    dash.push(timed(() => station.roster.dashboard()).sample);

  // Roster pages: every filter combination, typed queries, three pages each.
  const queries = FULL
    ? typedQueries(names, upns, 4)
    : ['a', 'an', names[0].slice(0, 5), 'svensson a', upns[0].slice(0, 8)];
  measureRoster(station, queries.slice(0, 5)); // warm-up
  const roster = measureRoster(station, queries);

  // Search-as-you-type (people.search): every prefix of 300 random names, plus UPN-style input.
  for (let i = 0; i < 50; i++) station.people.search(names[rnd(names.length)].slice(0, 3));
  const search: Sample[] = [];
  let hits = 0;
  for (let i = 0; i < (FULL ? 300 : 60); i++) {
    const name = names[rnd(names.length)];
    const typed = i % 5 === 0 ? `${ascii(name).replace(' ', '.')}` : name;
    for (let len = 1; len <= typed.length; len++) {
      const r = timed(() => station.people.search(typed.slice(0, len)));
      search.push(r.sample);
      hits += r.value.length;
    }
  }
  if (hits === 0) throw new Error('search found nothing');

  // Full export: the who-has-what CSV and every key as WebAuthn JSON.
  const exp = timed(() => {
    const report = station.roster.exportReportCsv();
    const keys = JSON.stringify(station.roster.exportWebAuthn());
    return { report, keys };
  });
  if (exp.value.report.split('\r\n').length < PEOPLE * 0.99 || exp.value.keys.length < 100)
    throw new Error('export incomplete');
  station.close();

  const load = loadavg()[0];
  const cores = cpus().length;
  const judgeWall = load < cores;
  const figures = {
    dashboard_ms: stat(dash, 'wall', 50),
    dashboard_p95_ms: stat(dash, 'wall', 95),
    dashboard_cpu_ms: stat(dash, 'cpu', 50),
    dashboard_first_ms: dashFirst.sample.wall,
    roster_page_p50_ms: stat(roster.samples, 'wall', 50),
    roster_page_p95_ms: stat(roster.samples, 'wall', 95),
    roster_page_cpu_p95_ms: stat(roster.samples, 'cpu', 95),
    roster_page_max_ms: stat(roster.samples, 'wall', 100),
    roster_pages: roster.samples.length,
    search_p50_ms: stat(search, 'wall', 50),
    search_p95_ms: stat(search, 'wall', 95),
    search_cpu_p95_ms: stat(search, 'cpu', 95),
    searches: search.length,
    import_s: imp.sample.wall / 1000,
    import_cpu_s: imp.sample.cpu / 1000,
    method_fill_s: fill.sample.wall / 1000,
    export_s: exp.sample.wall / 1000,
    export_cpu_s: exp.sample.cpu / 1000,
    open_ms: stat(opens, 'wall', 50),
  };
  const misses: string[] = [];
  const judge = (name: string, cpu: number, wall: number, goal: number) => {
    if (cpu > goal) misses.push(`${name} CPU ${cpu.toFixed(2)} ms > ${goal} ms`);
    if (judgeWall && wall > goal) misses.push(`${name} ${wall.toFixed(2)} ms > ${goal} ms`);
  };
  judge('dashboard', figures.dashboard_cpu_ms, figures.dashboard_ms, GOALS.dashboardMs);
  judge(
    'roster page p95',
    figures.roster_page_cpu_p95_ms,
    figures.roster_page_p95_ms,
    GOALS.rosterPageP95Ms,
  );
  judge('search p95', figures.search_cpu_p95_ms, figures.search_p95_ms, GOALS.searchP95Ms);

  const row = (a: string, b: string, c = '') =>
    console.log(`${a.padEnd(44)}${b.padStart(16)}  ${c}`);
  const ms = (x: number) => x.toFixed(3);
  row('measure', 'value', 'goal');
  row('people / methods', `${PEOPLE} / ${methods}`, '100 000 / 300 000 (full)');
  row('roster import (s)', figures.import_s.toFixed(3), '≤ 5');
  row('roster import CPU (s)', figures.import_cpu_s.toFixed(3));
  row('methods fill, one transaction (s)', figures.method_fill_s.toFixed(3));
  row('open registry, median of 5 (ms)', figures.open_ms.toFixed(1), '≤ 100');
  row('dashboard, first call (ms)', ms(figures.dashboard_first_ms));
  row(
    `dashboard median of ${dash.length} (ms)`,
    ms(figures.dashboard_ms),
    `≤ ${GOALS.dashboardMs}`,
  );
  row('dashboard p95 (ms)', ms(figures.dashboard_p95_ms));
  row('dashboard CPU median (ms)', ms(figures.dashboard_cpu_ms), `≤ ${GOALS.dashboardMs}`);
  row(`roster page p50 over ${roster.samples.length} (ms)`, ms(figures.roster_page_p50_ms));
  row('roster page p95 (ms)', ms(figures.roster_page_p95_ms), `≤ ${GOALS.rosterPageP95Ms}`);
  row('roster page CPU p95 (ms)', ms(figures.roster_page_cpu_p95_ms), `≤ ${GOALS.rosterPageP95Ms}`);
  row('roster page max (ms)', ms(figures.roster_page_max_ms), roster.worst);
  row(`search p50 over ${search.length} (ms)`, ms(figures.search_p50_ms));
  row('search p95 (ms)', ms(figures.search_p95_ms), `≤ ${GOALS.searchP95Ms}`);
  row('search CPU p95 (ms)', ms(figures.search_cpu_p95_ms), `≤ ${GOALS.searchP95Ms}`);
  row('full export (s)', figures.export_s.toFixed(3), '≤ 5');
  row('full export CPU (s)', figures.export_cpu_s.toFixed(3));
  row(
    'load average (1 min)',
    load.toFixed(2),
    `${cores} CPUs: ${judgeWall ? 'wall and CPU figures judged' : 'busy machine, CPU figures judged'}`,
  );
  row('goals', FULL ? (misses.length ? 'MISSED' : 'met') : 'not judged (short)', misses.join('; '));
  const rounded = Object.fromEntries(
    Object.entries(figures).map(([k, v]) => [k, Number(v.toFixed(3))]),
  );
  console.log(
    JSON.stringify({
      ...rounded,
      people: PEOPLE,
      methods,
      load_avg: Number(load.toFixed(2)),
      wall_judged: judgeWall,
      goals_met: misses.length === 0,
      mode: FULL ? 'full' : 'short',
    }),
  );
  if (FULL && misses.length) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
