/**
 * The roster read model (docs/ROSTER.md) against a naive computation: a small random registry is
 * written through the real repositories (so the triggers keep the model), then every page,
 * filter, count and the dashboard are compared with what a per-person loop over the station's
 * own rules (MethodRegistry.registrationStatus, the demo UPN domain) gives.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../main/db/connection';
import { MethodRepository, type MethodKindValue } from '../../../main/db/repositories/methods';
import { PeopleRepository } from '../../../main/db/repositories/people';
import { foldForSearch, searchKeys } from '../../../main/db/searchKeys';
import {
  DEMO_POLICY,
  DEMO_RP_ID,
  METHOD_KINDS,
  REGISTRY_FILE,
  openStation,
  type Policy,
  type Station,
  type StationMode,
} from '../../../main/station/index';
import type { RegistrationState, RosterEntry, RosterQuery } from '../../../main/station/roster';
import { VIRTUAL_KEY_AAGUID } from '../../../native/virtual-key/identity';
import { RegistryInspection } from '../../../main/db/inspection';

const NOW = '2026-03-02T09:00:00.000Z';
const FIRST = ['Anna', 'Åsa', 'Erik', 'Lars', 'Maria', 'Olle', 'Zeynep', 'Li'];
const LAST = ['Svensson', 'Öberg', 'Ali', 'Berg', 'Lind', 'Nyström'];
const DEPARTMENTS = ['', 'IT', 'Sales', 'HR'];
const MODELS = ['YubiKey 5 Series', 'Feitian ePass', 'Virtual key'];

function rng(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % n;
  };
}

interface World {
  dir: string;
  station: Station;
  db: Db;
  people: PeopleRepository;
  methods: MethodRepository;
  setMode(m: StationMode): void;
}

function openWorld(): World {
  const dir = mkdtempSync(join(tmpdir(), 'ks-roster-'));
  let mode: StationMode = 'demo';
  const station = openStation({ dataDir: dir, mode: () => mode, clock: () => new Date(NOW) });
  // The writers: a second connection with the real repositories, as enrollment uses them.
  const db = openDatabase({ path: join(dir, REGISTRY_FILE) });
  return {
    dir,
    station,
    db,
    people: new PeopleRepository(db),
    methods: new MethodRepository(db),
    setMode: (m) => {
      mode = m;
    },
  };
}

function closeWorld(w: World): void {
  w.db.close();
  w.station.close();
  rmSync(w.dir, { recursive: true, force: true });
}

function addPerson(w: World, upn: string, name: string, department: string): number {
  return w.people.insert({ upn, displayName: name, department, email: '', mobile: '' }, NOW);
}

function addMethod(w: World, personId: number, kind: MethodKindValue, model?: string): number {
  const id = w.methods.insert(
    personId,
    { kind, label: kind, detail: '', secret: null, data: '{}', isDefault: false },
    NOW,
  );
  if (kind === 'securityKey') {
    w.methods.insertKeyCredential(id, {
      credentialId: randomBytes(16),
      publicKey: randomBytes(16),
      aaguid: model === 'Virtual key' ? VIRTUAL_KEY_AAGUID : 'cb69481e-8ff7-4039-93ec-0a2729a154a8',
      modelName: model ?? MODELS[0],
      signCount: 0,
      transports: ['usb'],
      attestationFormat: 'packed',
      rpId: DEMO_RP_ID,
      userHandle: randomBytes(16),
    });
  }
  return id;
}

/** A random registry: some people without methods, some demo people, keys of several models. */
function fillRandom(w: World, n: number, seed: number): void {
  const r = rng(seed);
  w.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const name = `${FIRST[r(FIRST.length)]} ${LAST[r(LAST.length)]}`;
      const domain = r(6) === 0 ? DEMO_RP_ID : 'example.org';
      const upn = `${foldForSearch(name).replace(/ /g, '.')}.${i}@${domain}`;
      const id = addPerson(w, upn, name, DEPARTMENTS[r(DEPARTMENTS.length)]);
      const count = r(5);
      for (let m = 0; m < count; m++) {
        const kind = METHOD_KINDS[r(METHOD_KINDS.length)];
        addMethod(w, id, kind, MODELS[r(MODELS.length)]);
      }
    }
  })();
  // Some removals, so the triggers' recount runs too.
  const ids = new RegistryInspection(w.db).methodIds();
  w.db.transaction(() => {
    for (let i = 0; i < ids.length; i += 7) w.methods.remove(ids[i]);
  })();
}

const isDemo = (upn: string): boolean => upn.toLowerCase().endsWith(`@${DEMO_RP_ID}`);

interface Naive {
  id: number;
  upn: string;
  name: string;
  department: string;
  methodCount: number;
  registration: RegistrationState;
  kinds: MethodKindValue[];
  keyModels: { model: string; virtual: boolean }[];
}

/** Per person, with the station's own rules: what the roster must show. */
function naive(w: World, mode: StationMode): Naive[] {
  const out: Naive[] = [];
  for (const p of w.people.all()) {
    if (mode === 'production' && isDemo(p.upn)) continue;
    const methods = w.station.methods.list(p.id);
    out.push({
      id: p.id,
      upn: p.upn,
      name: p.display_name,
      department: p.department,
      methodCount: methods.length,
      registration:
        methods.length === 0
          ? 'notStarted'
          : w.station.methods.registrationStatus(p.id).complete
            ? 'complete'
            : 'incomplete',
      kinds: methods.map((m) => m.kind),
      keyModels: methods
        .filter((m) => m.securityKey)
        .map((m) => ({
          model: m.securityKey?.model ?? '',
          virtual: m.securityKey?.isVirtual ?? false,
        })),
    });
  }
  return out;
}

/** What a typed query matches, written out plainly from the search rules. */
function naiveMatch(p: Naive, typed: string): boolean {
  const raw = typed.trim();
  if (raw === '') return true;
  const words = foldForSearch(raw).replace(/[@.]/g, ' ').split(' ').filter(Boolean).slice(0, 4);
  const phrase = words.join(' ');
  const keys = searchKeys(p.name);
  const noSpace = !/\s/.test(raw);
  const upnLike = noSpace && /[@.]/.test(raw);
  if (phrase && (keys.name.startsWith(phrase) || keys.sort.startsWith(phrase))) return true;
  if (noSpace && p.upn.toLowerCase().startsWith(raw.toLowerCase())) return true;
  if (words.length > 1 && !upnLike) {
    const driver = [...words].sort((a, b) => b.length - a.length)[0];
    const others = words.filter((_, i) => i !== words.indexOf(driver));
    return (
      (keys.name.startsWith(driver) || keys.sort.startsWith(driver)) &&
      others.every((o) => ` ${keys.name}`.includes(` ${o}`))
    );
  }
  return false;
}

/** Every page of a query, checking the paging contract on the way. */
function allPages(station: Station, q: RosterQuery, limit: number): RosterEntry[] {
  const seen: RosterEntry[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const page = station.roster.list({ ...q, limit, cursor });
    seen.push(...page.people);
    if (page.nextCursor === null) {
      expect(page.people.length).toBeLessThanOrEqual(limit);
      return seen;
    }
    // A page that says more follows is full.
    expect(page.people).toHaveLength(limit);
    cursor = page.nextCursor;
  }
  throw new Error('paging did not end');
}

function expectSameAsNaive(w: World, everyone: Naive[], q: RosterQuery, limit: number): number {
  const expected = everyone
    .filter((p) => naiveMatch(p, q.query ?? ''))
    .filter((p) => !q.department || p.department === q.department)
    .filter(
      (p) => !q.registration || q.registration === 'all' || p.registration === q.registration,
    );
  const got = allPages(w.station, q, limit);
  const ids = got.map((p) => p.id);
  expect(new Set(ids).size).toBe(ids.length); // no person twice across pages
  expect([...ids].sort((a, b) => a - b)).toEqual(expected.map((p) => p.id).sort((a, b) => a - b));
  const byId = new Map(expected.map((p) => [p.id, p]));
  for (const row of got) {
    const e = byId.get(row.id);
    expect({ count: row.methodCount, state: row.registration }).toEqual({
      count: e?.methodCount,
      state: e?.registration,
    });
  }
  return got.length;
}

function naiveDashboard(people: Naive[]) {
  const total = { complete: 0, incomplete: 0, notStarted: 0 };
  const deps = new Map<string, typeof total>();
  const kinds = new Map<string, number>();
  const models = new Map<string, { count: number; virtual: boolean }>();
  for (const p of people) {
    total[p.registration]++;
    const d = deps.get(p.department) ?? { complete: 0, incomplete: 0, notStarted: 0 };
    d[p.registration]++;
    deps.set(p.department, d);
    for (const k of p.kinds) kinds.set(k, (kinds.get(k) ?? 0) + 1);
    for (const k of p.keyModels) {
      const m = models.get(k.model) ?? { count: 0, virtual: false };
      m.count++;
      m.virtual ||= k.virtual;
      models.set(k.model, m);
    }
  }
  return {
    total,
    byDepartment: [...deps.entries()]
      .map(([department, c]) => ({ department, ...c }))
      .sort((a, b) => a.department.localeCompare(b.department)),
    methodsByKind: [...kinds.entries()]
      .map(([kind, count]) => ({ kind, count }))
      .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind)),
    keysByModel: [...models.entries()]
      .map(([model, v]) => ({ model, ...v }))
      .sort((a, b) => b.count - a.count || a.model.localeCompare(b.model)),
  };
}

const QUERIES = [
  '',
  'a',
  'an',
  'anna',
  'ANNA SV',
  'svensson a',
  'åsa',
  'oberg',
  'l',
  'sv an',
  'li.',
  'zeynep.ali.1',
  'x',
  ' berg ',
];
const STATES = ['all', 'complete', 'incomplete', 'notStarted'] as const;

describe('roster read model', () => {
  let w: World;
  beforeEach(() => {
    w = openWorld();
  });
  afterEach(() => closeWorld(w));

  it('pages, filters and counts equal a naive per-person computation, in both modes', () => {
    fillRandom(w, 260, 7);
    for (const mode of ['demo', 'production'] as const) {
      w.setMode(mode);
      let total = 0;
      const everyone = naive(w, mode);
      for (const query of QUERIES)
        for (const registration of STATES)
          for (const department of [null, ...DEPARTMENTS.filter(Boolean)])
            total += expectSameAsNaive(w, everyone, { query, registration, department }, 9);
      expect(total).toBeGreaterThan(100); // the filters found people, not only empty pages
      expect(w.station.roster.dashboard()).toEqual(naiveDashboard(naive(w, mode)));
      expect(w.station.roster.list({}).departments).toEqual(
        [...new Set(naive(w, mode).map((p) => p.department))].filter(Boolean).sort(),
      );
    }
  });

  it('follows a policy change: states and counts are recomputed for the new rule', () => {
    fillRandom(w, 150, 11);
    const before = w.station.roster.dashboard().total;
    w.station.session.setOperator(1, 'admin', 'admin');
    const stricter: Policy = {
      ...DEMO_POLICY,
      registration: { requiredCount: 3, requiredKinds: ['securityKey', 'phoneSms'] },
    };
    w.station.policy.update(stricter);
    const after = w.station.roster.dashboard();
    expect(after).toEqual(naiveDashboard(naive(w, 'demo')));
    expect(after.total.complete).toBeLessThan(before.complete);
    for (const registration of STATES)
      expectSameAsNaive(w, naive(w, 'demo'), { query: '', registration }, 25);
    // A station opened later on the same registry sees the same states.
    w.station.policy.update({
      ...DEMO_POLICY,
      registration: { requiredCount: 1, requiredKinds: [] },
    });
    expect(w.station.roster.dashboard()).toEqual(naiveDashboard(naive(w, 'demo')));
  });

  it('finds a person beyond the 200th search hit; hasMore and the cursor are right', () => {
    w.db.transaction(() => {
      for (let i = 0; i < 320; i++) addPerson(w, `anna.a${i}@example.org`, `Anna Andersson`, 'IT');
      // Sorts after all of them, in another department.
      addPerson(w, 'anna.zetterlund@example.org', 'Anna Zetterlund', 'Legal');
    })();
    const legal = w.station.roster.list({ query: 'anna', department: 'Legal' });
    expect(legal.people.map((p) => p.upn)).toEqual(['anna.zetterlund@example.org']);
    expect(legal.nextCursor).toBeNull();

    const first = w.station.roster.list({ query: 'anna', limit: 200 });
    expect(first.people).toHaveLength(200);
    expect(first.nextCursor).not.toBeNull();
    expect(first.people.some((p) => p.upn === 'anna.zetterlund@example.org')).toBe(false);
    const second = w.station.roster.list({ query: 'anna', limit: 200, cursor: first.nextCursor });
    expect(second.people).toHaveLength(121);
    expect(second.nextCursor).toBeNull();
    expect(second.people[120].upn).toBe('anna.zetterlund@example.org');
    // Exactly one page: no cursor for an empty next page.
    const exact = w.station.roster.list({ query: 'anna', limit: 321 });
    expect(exact.people).toHaveLength(321);
    expect(exact.nextCursor).toBeNull();
  });

  it('hides the demo organization on a production station, by SQL flag and by id', () => {
    const demo = addPerson(w, 'Maja@DEMO.Keystation.Local', 'Maja Demo', 'Demo');
    const look = addPerson(w, 'maja@demo.keystation.local.example.org', 'Maja Lookalike', 'IT');
    addMethod(w, demo, 'securityKey', 'Demo Key');
    addMethod(w, look, 'phoneSms');
    w.setMode('production');
    expect(w.station.roster.list({ query: 'maja' }).people.map((p) => p.id)).toEqual([look]);
    expect(w.station.roster.list({}).departments).toEqual(['IT']);
    const d = w.station.roster.dashboard();
    expect(d.keysByModel).toEqual([]);
    expect(d.methodsByKind).toEqual([{ kind: 'phoneSms', count: 1 }]);
    expect(() => w.station.roster.standing(demo)).toThrow(
      expect.objectContaining({ code: 'person.notFound' }),
    );
    expect(() => w.station.roster.exportWebAuthn(demo)).toThrow(
      expect.objectContaining({ code: 'person.notFound' }),
    );
    expect(w.station.roster.exportReportCsv()).not.toMatch(/demo\.keystation\.local\r/i);
    w.setMode('demo');
    expect(
      w.station.roster
        .list({ query: 'maja' })
        .people.map((p) => p.id)
        .sort(),
    ).toEqual([demo, look].sort());
    expect(w.station.roster.dashboard().keysByModel).toEqual([
      { model: 'Demo Key', count: 1, virtual: false },
    ]);
  });

  it('refuses a forged cursor and an unknown state, and stays within one page size', () => {
    addPerson(w, 'a@example.org', 'A', '');
    for (const cursor of [
      'not a cursor',
      'W10',
      Buffer.from('["all","x",1.5]').toString('base64url'),
    ])
      expect(() => w.station.roster.list({ cursor })).toThrow(
        expect.objectContaining({ code: 'input.invalid' }),
      );
    expect(() =>
      w.station.roster.list({ registration: 'done' as unknown as RegistrationState }),
    ).toThrow(expect.objectContaining({ code: 'input.invalid' }));
    // A cursor from another query's segment ends the list instead of guessing.
    const other = Buffer.from('["wordsSort","a",1]').toString('base64url');
    expect(w.station.roster.list({ query: '', cursor: other }).people).toEqual([]);
  });

  it('a kiosk person may not read the roster or the dashboard', () => {
    const id = addPerson(w, 'p@example.org', 'P', '');
    w.station.session.setPerson(id, 'p@example.org');
    expect(() => w.station.roster.list({})).toThrow(
      expect.objectContaining({ code: 'session.operatorRequired' }),
    );
    expect(() => w.station.roster.dashboard()).toThrow(
      expect.objectContaining({ code: 'session.operatorRequired' }),
    );
  });
});
