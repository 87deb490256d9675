/**
 * RFC 6238 §5.2: a TOTP/OATH code is accepted once. The last accepted time step is kept per
 * secret in the registry, so it survives deleting the method (the token goes back to the
 * inventory) and a restart; failed attempts are counted there too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStation, type Station } from '../../../main/station';
import { totpCode } from '../../../main/station/methods/totp';
import { TOKEN_MAX_ATTEMPTS } from '../../../main/station/methods/hardwareToken';
import { RecordingGateway, TestClock } from './helpers';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const P = { period: 30, digits: 6, algorithm: 'SHA1' } as const;

function errorCode(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

describe('TOTP/OATH codes are single use', () => {
  let dir: string;
  let clock: TestClock;
  let station: Station;
  let anna: number;
  const open = (): Station =>
    openStation({ dataDir: dir, clock: clock.now, messageGateway: new RecordingGateway() });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ks-totp-'));
    clock = new TestClock();
    station = open();
    anna = station.people.create({ upn: 'anna@example.org', displayName: 'Anna' }).id;
    station.oathTokens.importCsv(
      `upn,serial number,secret key,time interval,manufacturer,model\nanna@example.org,T-1,${SECRET},30,Contoso,OTP-6\n`,
    );
  });
  afterEach(() => {
    station.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a code that activated a token does not activate it again after the method is deleted', () => {
    const code = totpCode(SECRET, P, clock.now());
    const m = station.enroll.hardwareToken.activate(anna, 'T-1', code);
    station.methods.remove(anna, m.id);
    expect(station.enroll.hardwareToken.available(anna).map((t) => t.serial)).toEqual(['T-1']);
    clock.advance(5_000);
    expect(errorCode(() => station.enroll.hardwareToken.activate(anna, 'T-1', code))).toBe(
      'code.alreadyUsed',
    );
    // Nor does the previous step's code (still inside the ±1 window).
    const earlier = totpCode(SECRET, P, new Date(clock.ms - 30_000));
    expect(errorCode(() => station.enroll.hardwareToken.activate(anna, 'T-1', earlier))).toBe(
      'code.alreadyUsed',
    );
    // ... and not after a restart.
    station.close();
    station = open();
    expect(errorCode(() => station.enroll.hardwareToken.activate(anna, 'T-1', code))).toBe(
      'code.alreadyUsed',
    );
    // The next code does.
    clock.advance(30_000);
    const next = totpCode(SECRET, P, clock.now());
    expect(station.enroll.hardwareToken.activate(anna, 'T-1', next).kind).toBe('hardwareToken');
  });

  it('failed attempts are counted in the registry, across restarts', () => {
    const right = totpCode(SECRET, P, clock.now());
    const wrong = right === '000000' ? '000001' : '000000';
    for (let i = 1; i < TOKEN_MAX_ATTEMPTS; i += 1) {
      expect(errorCode(() => station.enroll.hardwareToken.activate(anna, 'T-1', wrong))).toBe(
        'code.invalid',
      );
      station.close();
      station = open();
    }
    expect(errorCode(() => station.enroll.hardwareToken.activate(anna, 'T-1', wrong))).toBe(
      'code.tooManyAttempts',
    );
    expect(errorCode(() => station.enroll.hardwareToken.activate(anna, 'T-1', right))).toBe(
      'code.tooManyAttempts',
    );
  });
});
