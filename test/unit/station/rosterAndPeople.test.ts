import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_ACCESS_PASS, DEMO_OPERATOR, openStation } from '../../../main/station/index';
import { parseCsv } from '../../../main/station/csv';
import { insertMethod, makeStation, type TestStation } from './helpers';

const HEADER = 'upn,display name,department,email,mobile';

describe('people', () => {
  let t: TestStation;
  beforeEach(() => {
    t = makeStation();
  });
  afterEach(() => t.close());

  it('create validates the UPN and refuses duplicates (case-insensitive)', () => {
    t.station.people.create({
      upn: 'Anna.Svensson@Example.org',
      displayName: 'Anna Svensson',
      department: 'IT',
    });
    expect(() =>
      t.station.people.create({ upn: 'anna.svensson@example.org', displayName: 'A' }),
    ).toThrow(expect.objectContaining({ code: 'person.upnTaken' }));
    for (const bad of ['no-at-sign', 'a@b', 'a b@example.org', `${'x'.repeat(120)}@example.org`]) {
      expect(() => t.station.people.create({ upn: bad, displayName: 'x' })).toThrow(
        expect.objectContaining({ code: 'person.invalidUpn' }),
      );
    }
    expect(() => t.station.people.create({ upn: 'ok@example.org', displayName: '' })).toThrow(
      expect.objectContaining({ code: 'input.invalid' }),
    );
    expect(() => t.station.people.get(999)).toThrow(
      expect.objectContaining({ code: 'person.notFound' }),
    );
  });

  it('search-as-you-type: first/last name and UPN prefixes, any word order; hostile input is inert', () => {
    t.station.people.create({
      upn: 'anna.svensson@example.org',
      displayName: 'Anna Svensson',
      department: 'IT',
    });
    t.station.people.create({
      upn: 'andreas.berg@example.org',
      displayName: 'Andreas Berg',
      department: 'Sales',
    });
    t.station.people.create({ upn: 'bo.ek@example.org', displayName: 'Bo Ek', department: 'IT' });
    t.station.people.create({
      upn: 'asa.orn@example.org',
      displayName: 'Åsa Örn',
      department: 'HR',
    });
    const names = (q: string) => t.station.people.search(q).map((p) => p.displayName);
    expect(names('an')).toEqual(['Andreas Berg', 'Anna Svensson']);
    expect(names('sv an')).toEqual(['Anna Svensson']);
    expect(names('ek')).toEqual(['Bo Ek']);
    expect(names('berg an')).toEqual(['Andreas Berg']);
    expect(names('svensson')).toEqual(['Anna Svensson']);
    expect(names('zz')).toEqual([]);
    expect(names('asa orn')).toEqual(['Åsa Örn']);
    expect(names('ÅSA')).toEqual(['Åsa Örn']);
    expect(names('bo.ek@')).toEqual(['Bo Ek']);
    for (const hostile of [
      '"',
      'an*"',
      'NEAR(',
      'upn:an',
      ') OR (',
      '*',
      "'; DROP TABLE people; --",
    ]) {
      expect(() => t.station.people.search(hostile)).not.toThrow();
    }
    expect(names('')).toHaveLength(4);
    expect(t.station.people.search('', { limit: 2 })).toHaveLength(2);
  });

  it('an exact UPN match comes first; summaries carry the method count', () => {
    const a = t.station.people.create({ upn: 'bo@example.org', displayName: 'Zeta Bo' });
    t.station.people.create({ upn: 'bob@example.org', displayName: 'Bob Alpha' });
    insertMethod(t.station, a.id, 'phoneSms');
    const r = t.station.people.search('bo@example.org');
    expect(r[0]).toMatchObject({ upn: 'bo@example.org', methodCount: 1 });
  });

  it('update changes fields, keeps the search index in step, and is audited', () => {
    const p = t.station.people.create({ upn: 'p1@example.org', displayName: 'Old Name' }).id;
    t.station.people.update(p, { displayName: 'Fresh Name', status: 'disabled' });
    expect(t.station.people.search('fresh').map((x) => x.id)).toEqual([p]);
    expect(t.station.people.search('old')).toEqual([]);
    expect(t.station.people.get(p).status).toBe('disabled');
    expect(() => insertMethod(t.station, p, 'phoneSms')).toThrow(
      expect.objectContaining({ code: 'person.disabled' }),
    );
  });
});

describe('roster import and export', () => {
  let t: TestStation;
  beforeEach(() => {
    t = makeStation();
    t.station.people.create({
      upn: 'existing@example.org',
      displayName: 'Existing',
      department: 'IT',
    });
    t.station.people.create({ upn: 'same@example.org', displayName: 'Same', department: 'HR' });
  });
  afterEach(() => t.close());

  const csv = [
    HEADER,
    'new.person@example.org,New Person,Sales,new@example.com,+46701234567', // 2 create
    'EXISTING@example.org,Existing Renamed,IT,,', // 3 update
    'same@example.org,Same,HR,,', // 4 unchanged
    'bad upn,Bad,IT,,', // 5
    'x@example.org,,IT,,', // 6 missing name
    'y@example.org,Y,IT,not-mail,', // 7
    'z@example.org,Z,IT,,call me', // 8
    'new.person@example.org,Again,IT,,', // 9 duplicate
    '"q@example.org","Quoted, Name","R&D ""Lab""",,', // 10 create
  ].join('\r\n');

  it('preview lists the action per row and every row error, and changes nothing', () => {
    const p = t.station.roster.preview(csv);
    expect(p.rows.map((r) => [r.line, r.action])).toEqual([
      [2, 'create'],
      [3, 'update'],
      [4, 'unchanged'],
      [10, 'create'],
    ]);
    expect(p.errors).toEqual([
      { line: 5, code: 'row.invalidUpn' },
      { line: 6, code: 'row.missingField', params: { field: 'display name' } },
      { line: 7, code: 'row.invalidEmail' },
      { line: 8, code: 'row.invalidPhone' },
      { line: 9, code: 'row.duplicate', params: { field: 'upn' } },
    ]);
    expect(p).toMatchObject({ create: 2, update: 1, unchanged: 1 });
    expect(t.station.people.count()).toBe(2);
  });

  it('import applies valid rows in one transaction and audits once', () => {
    const r = t.station.roster.import(csv);
    expect(r).toMatchObject({ created: 2, updated: 1, unchanged: 1 });
    expect(r.errors).toHaveLength(5);
    expect(t.station.people.getByUpn('existing@example.org').displayName).toBe('Existing Renamed');
    expect(t.station.people.getByUpn('q@example.org')).toMatchObject({
      displayName: 'Quoted, Name',
      department: 'R&D "Lab"',
    });
    expect(t.station.audit.list().filter((e) => e.action === 'roster.imported')).toHaveLength(1);
  });

  it('a file without a header row is told as such, with the columns it needs', () => {
    const headless = [
      'nora.berg@example.org,Nora Berg,Ekonomi,nora.berg@example.org,+46701234567',
      'olle.strand@example.org,Olle Strand,IT,,',
    ].join('\n');
    expect(() => t.station.roster.preview(headless)).toThrow(
      expect.objectContaining({
        code: 'csv.noHeader',
        params: { columns: 'upn, display name, department, email, mobile' },
      }),
    );
    // A header that names some columns but not a required one is a missing column.
    expect(() => t.station.roster.preview('upn,department\na@example.org,IT')).toThrow(
      expect.objectContaining({ code: 'csv.missingColumn', params: { column: 'display name' } }),
    );
    expect(t.station.people.count()).toBe(2);
  });

  it('the audit counts skipped rows, not problems', () => {
    // One row with three problems.
    t.station.roster.import(
      [HEADER, 'bad upn,,IT,not-mail,call me', 'ok@example.org,Ok,IT,,'].join('\n'),
    );
    const row = t.station.audit.list().find((e) => e.action === 'roster.imported');
    expect(row?.details).toMatchObject({ created: 1, rejected: 1 });
  });

  it('the "who has what" report is CSV with one line per person', () => {
    const p = t.station.people.getByUpn('existing@example.org').id;
    insertMethod(t.station, p, 'securityKey');
    insertMethod(t.station, p, 'phoneSms');
    const text = t.station.roster.exportReportCsv();
    const table = parseCsv(text);
    expect(table.header).toContain('registration complete');
    expect(table.rows).toHaveLength(2);
    const row = table.rows.find((r) => r.cells[0] === 'existing@example.org')!.cells;
    const col = (name: string) => row[table.header.indexOf(name)];
    expect(col('securitykey')).toBe('1');
    expect(col('phonesms')).toBe('1');
    expect(col('default method')).toBe('securityKey');
    expect(col('registration complete')).toBe('yes');
    expect(t.station.methods.registrationStatus(p).complete).toBe(true);
  });

  it('formula-looking cells are neutralised in exports', () => {
    t.station.people.create({ upn: 'f@example.org', displayName: '=HYPERLINK("http://evil")' });
    expect(t.station.roster.exportReportCsv()).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });
});

describe('demo station', () => {
  it('has the demo organization, people with methods, one with nothing, and the three SSPR cases', async () => {
    const t = makeStation({ demo: true });
    try {
      const s = t.station;
      expect(s.policy.get().securityKey.rpId).toBe('demo.keystation.local');
      expect(s.policy.get().organizationName).toBe('Demo Organization');
      expect(s.people.count()).toBeGreaterThanOrEqual(5);
      const lars = s.people.getByUpn(DEMO_ACCESS_PASS.upn);
      expect(s.methods.list(lars.id)).toHaveLength(0);
      const anna = s.people.getByUpn('anna.svensson@demo.keystation.local');
      expect(s.methods.list(anna.id).map((m) => m.kind)).toEqual([
        'securityKey',
        'authenticatorApp',
        'phoneSms',
      ]);
      expect(s.methods.defaultMethod(anna.id)?.kind).toBe('securityKey');
      expect(
        s.methods.ssprReadiness(s.people.getByUpn('sara.lindqvist@demo.keystation.local').id)
          .reason,
      ).toBe('sspr.passwordNotManaged');
      expect(
        s.methods.ssprReadiness(s.people.getByUpn('oskar.ek@demo.keystation.local').id).reason,
      ).toBe('sspr.notEnabled');
      expect((await s.auth.signInWithPass(DEMO_ACCESS_PASS.upn, DEMO_ACCESS_PASS.pass)).id).toBe(
        lars.id,
      );
      s.auth.signOut();
      expect(
        (await s.auth.signInOperator(DEMO_OPERATOR.username, DEMO_OPERATOR.password)).role,
      ).toBe('admin');
      expect(s.audit.verify().ok).toBe(true);
      // Reopening does not seed twice.
      s.close();
      const again = openStation({ dataDir: t.dir, demo: true });
      expect(again.people.count()).toBe(8);
      again.close();
    } finally {
      try {
        t.close();
      } catch {
        /* already closed */
      }
    }
  });
});

describe('search with middle names', () => {
  it('finds "anna svensson" in Anna Maria Svensson through the filtered scan', () => {
    const t = makeStation();
    try {
      t.station.people.create({ upn: 'ams@example.org', displayName: 'Anna Maria Svensson' });
      t.station.people.create({ upn: 'as@example.org', displayName: 'Anna Svensson' });
      expect(t.station.people.search('anna svensson').map((p) => p.displayName)).toEqual([
        'Anna Svensson',
        'Anna Maria Svensson',
      ]);
      expect(t.station.people.search('maria').map((p) => p.displayName)).toEqual([]);
      expect(t.station.people.search('svensson maria').map((p) => p.displayName)).toEqual([
        'Anna Maria Svensson',
      ]);
    } finally {
      t.close();
    }
  });
});
