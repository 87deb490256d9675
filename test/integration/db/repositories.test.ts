import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../main/db/connection';
import { MethodRepository } from '../../../main/db/repositories/methods';
import { OathTokenRepository } from '../../../main/db/repositories/oathTokens';
import { PeopleRepository } from '../../../main/db/repositories/people';
import { foldForSearch, searchKeys } from '../../../main/db/searchKeys';

const AT = '2026-03-02T09:00:00.000Z';

describe('repositories', () => {
  let dir: string;
  let db: Db;
  let people: PeopleRepository;
  let methods: MethodRepository;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ks-repo-'));
    db = openDatabase({ path: join(dir, 'r.sqlite') });
    people = new PeopleRepository(db);
    methods = new MethodRepository(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const values = {
    upn: 'asa@example.org',
    displayName: 'Åsa Örn',
    department: 'HR',
    email: '',
    mobile: '',
  };

  it('search keys are folded and always written with the name', () => {
    expect(foldForSearch('  ÅSA  Øre-Strøm ')).toBe('asa ore strom');
    expect(searchKeys('Anna Maria Svensson')).toEqual({
      name: 'anna maria svensson',
      sort: 'svensson anna maria',
    });
    const id = people.insert(values, AT);
    expect(people.byId(id)).toMatchObject({
      search_name: 'asa orn',
      search_sort: 'orn asa',
      status: 'active',
      sspr_enabled: 1,
    });
    people.update(id, { ...values, displayName: 'Åsa Berg', status: 'disabled' }, AT);
    expect(people.byId(id)).toMatchObject({
      search_name: 'asa berg',
      search_sort: 'berg asa',
      status: 'disabled',
    });
    expect(people.byNamePrefix('asa b', 5).map((r) => r.id)).toEqual([id]);
    expect(people.byNamePrefix('asa o', 5)).toEqual([]);
    expect(people.bySortPrefix('berg a', 5).map((r) => r.id)).toEqual([id]);
    expect(
      people.byNameWords({ prefix: 'berg', otherWords: ['as'], limit: 5 }).map((r) => r.id),
    ).toEqual([id]);
    expect(people.byNameWords({ prefix: 'asa', otherWords: ['x'], limit: 5 }, 10)).toEqual([]);
    expect(people.byUpnPrefix('ASA@', 5).map((r) => r.id)).toEqual([id]);
  });

  it('methods: default moves, counts by kind, delete releases a token and cascades', () => {
    const p = people.insert(values, AT);
    const a = methods.insert(
      p,
      {
        kind: 'phoneSms',
        label: '',
        detail: '+46701234567',
        secret: null,
        data: '{}',
        isDefault: true,
      },
      AT,
    );
    const b = methods.insert(
      p,
      {
        kind: 'hardwareToken',
        label: 'T',
        detail: 'S1',
        secret: Buffer.from([1]),
        data: '{}',
        isDefault: false,
      },
      AT,
    );
    const tokens = new OathTokenRepository(db);
    tokens.insert({
      serial: 'S1',
      upn: values.upn,
      secret: Buffer.from([0]),
      period: 30,
      manufacturer: '',
      model: '',
      importedAt: AT,
    });
    expect(tokens.activate('S1', b, AT)).toBe(true);
    methods.insertKeyCredential(a, {
      credentialId: Buffer.from([9]),
      publicKey: Buffer.from([8]),
      aaguid: 'x',
      modelName: 'm',
      signCount: 0,
      transports: ['usb'],
      attestationFormat: 'none',
      rpId: 'r',
      userHandle: Buffer.from([7]),
    });
    expect(methods.countKinds(p, ['authenticatorApp', 'hardwareToken'])).toBe(1);
    methods.setDefault(p, b);
    expect(methods.forPerson(p).map((m) => [m.id, m.is_default])).toEqual([
      [a, 0],
      [b, 1],
    ]);
    expect(methods.keyUserHandle(p)).toEqual(Buffer.from([7]));
    methods.remove(b);
    expect(tokens.find('S1')).toMatchObject({ method_id: null });
    methods.remove(a);
    expect(methods.keyCredentialIds(p)).toEqual([]);
    expect(methods.hasDefault(p)).toBe(false);
  });
});
