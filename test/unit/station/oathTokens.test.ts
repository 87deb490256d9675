import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { totpCode } from '../../../main/station/methods/totp';
import { makeStation, type TestStation } from './helpers';
import { stationContext } from '../../../main/station/internals';
import { RegistryInspection } from '../../../main/db/inspection';

const HEADER = 'upn,serial number,secret key,time interval,manufacturer,model';
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

describe('OATH hardware tokens', () => {
  let t: TestStation;
  let anna: number;
  beforeEach(() => {
    t = makeStation();
    anna = t.station.people.create({ upn: 'anna@example.org', displayName: 'Anna' }).id;
    t.station.people.create({ upn: 'bo@example.org', displayName: 'Bo' });
  });
  afterEach(() => t.close());

  it('imports valid rows and reports each bad row with its line', () => {
    const csv = [
      HEADER,
      `anna@example.org,T-1,${SECRET},30,Contoso,OTP-6`, // 2 ok
      `anna@example.org,T-2,jbsw y3dp ehpk 3pxp,60,Contoso,OTP-6`, // 3 ok (spaces, lower case)
      `anna@example.org,T-3,NOT*BASE32!,30,Contoso,OTP-6`, // 4 invalid secret
      `anna@example.org,T-4,${'A'.repeat(129)},30,Contoso,OTP-6`, // 5 too long
      `anna@example.org,T-5,${SECRET},45,Contoso,OTP-6`, // 6 bad period
      `nobody@example.org,T-6,${SECRET},30,Contoso,OTP-6`, // 7 unknown person
      `anna@example.org,T-1,${SECRET},30,Contoso,OTP-6`, // 8 duplicate serial
      `,T-8,${SECRET},30,Contoso,OTP-6`, // 9 missing upn
      `bo@example.org,T-9,${'A'.repeat(128)},60,,`, // 10 ok at the 128 limit
    ].join('\n');
    const r = t.station.oathTokens.importCsv(csv);
    expect(r.rows).toBe(9);
    expect(r.imported).toBe(3);
    expect(r.errors).toEqual([
      { line: 4, code: 'row.invalidSecret' },
      { line: 5, code: 'row.secretTooLong', params: { max: 128 } },
      { line: 6, code: 'row.invalidPeriod' },
      { line: 7, code: 'row.unknownPerson' },
      { line: 8, code: 'row.duplicate', params: { field: 'serial number' } },
      { line: 9, code: 'row.missingField', params: { field: 'upn' } },
    ]);
    expect(t.station.oathTokens.list().map((x) => [x.serial, x.period])).toEqual([
      ['T-1', 30],
      ['T-2', 60],
      ['T-9', 60],
    ]);
    // Importing the same file again: already imported.
    const again = t.station.oathTokens.importCsv(
      `${HEADER}\nanna@example.org,T-1,${SECRET},30,C,M`,
    );
    expect(again.errors).toEqual([{ line: 2, code: 'row.alreadyImported' }]);
  });

  it('dry run validates without storing; a missing column is a file error', () => {
    const r = t.station.oathTokens.importCsv(`${HEADER}\nanna@example.org,T-1,${SECRET},30,C,M`, {
      dryRun: true,
    });
    expect(r).toMatchObject({ rows: 1, imported: 0, errors: [] });
    expect(t.station.oathTokens.list()).toHaveLength(0);
    expect(() => t.station.oathTokens.importCsv('upn,serial number\nx,y')).toThrow(
      expect.objectContaining({ code: 'csv.missingColumn' }),
    );
    expect(() => t.station.oathTokens.importCsv('')).toThrow(
      expect.objectContaining({ code: 'csv.empty' }),
    );
    expect(() =>
      t.station.oathTokens.importCsv(`anna@example.org,T-1,${SECRET},30,C,M`, { dryRun: true }),
    ).toThrow(expect.objectContaining({ code: 'csv.noHeader' }));
  });

  it('the secret is sealed at rest', () => {
    t.station.oathTokens.importCsv(`${HEADER}\nanna@example.org,T-1,${SECRET},30,C,M`);
    const [secret] = new RegistryInspection(stationContext(t.station).db).oathSecrets();
    expect(secret.toString('latin1')).not.toContain(SECRET);
  });

  it('activation by a current code (±1 period) assigns the token; it counts toward the five', () => {
    t.station.oathTokens.importCsv(
      `${HEADER}\nanna@example.org,T-1,${SECRET},60,Contoso,OTP-6\nbo@example.org,T-2,${SECRET},30,C,M`,
    );
    expect(t.station.enroll.hardwareToken.available(anna).map((x) => x.serial)).toEqual(['T-1']);
    expect(() => t.station.enroll.hardwareToken.activate(anna, 'T-2', '123456')).toThrow(
      expect.objectContaining({ code: 'oath.tokenAssignedToOther' }),
    );
    expect(() => t.station.enroll.hardwareToken.activate(anna, 'NOPE', '123456')).toThrow(
      expect.objectContaining({ code: 'oath.tokenNotFound' }),
    );
    const wrong = totpCode(
      SECRET,
      { period: 60, digits: 6, algorithm: 'SHA1' },
      new Date(t.clock.ms + 120_000),
    );
    expect(() => t.station.enroll.hardwareToken.activate(anna, 'T-1', wrong)).toThrow(
      expect.objectContaining({ code: 'code.invalid' }),
    );
    const code = totpCode(
      SECRET,
      { period: 60, digits: 6, algorithm: 'SHA1' },
      new Date(t.clock.ms - 60_000),
    );
    const m = t.station.enroll.hardwareToken.activate(anna, 'T-1', code);
    expect(m).toMatchObject({
      kind: 'hardwareToken',
      detail: 'T-1',
      label: 'Contoso OTP-6',
      isDefault: true,
    });
    expect(t.station.methods.totpCount(anna)).toBe(1);
    expect(t.station.oathTokens.list({ upn: 'anna@example.org' })[0]).toMatchObject({
      status: 'active',
      methodId: m.id,
    });
    expect(() => t.station.enroll.hardwareToken.activate(anna, 'T-1', code)).toThrow(
      expect.objectContaining({ code: 'oath.tokenAlreadyActivated' }),
    );
    // Deleting the method puts the token back in the inventory.
    t.station.methods.remove(anna, m.id);
    expect(t.station.oathTokens.list({ upn: 'anna@example.org' })[0].status).toBe('available');
  });
});
