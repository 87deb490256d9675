import { describe, expect, it } from 'vitest';
import { readOptionsFile, BULK_CSV_HEADER } from '../../../main/station/provisioning/options';
import { randomPin } from '../../../main/station/provisioning/pin';
import { isTrivialPin } from '../../../domain/pin';

const now = new Date('2026-01-10T10:00:00Z');
const b64 = (n: number, fill = 7) => Buffer.alloc(n, fill).toString('base64url');

function reply(upn: string, challenge = b64(32), expires = '2026-01-10T11:00:00Z') {
  return {
    '@odata.context': 'x',
    challengeTimeoutDateTime: expires,
    publicKey: {
      '@odata.type': '#microsoft.graph.webauthnPublicKeyCredentialCreationOptions',
      rp: { id: 'login.microsoftonline.com', name: 'Microsoft' },
      user: { id: b64(64, 1), name: upn, displayName: 'Anna' },
      challenge,
      pubKeyCredParams: [{ '@odata.type': '#x', type: 'public-key', alg: -7 }],
    },
  };
}

describe('options files', () => {
  it('JSON lines with id/UPN: annotations stripped, bad rows reported by line and reason', () => {
    const lines = [
      JSON.stringify({ userId: 'oid-1', upn: 'anna@x.org', ...reply('anna@x.org', b64(32, 1)) }),
      '{not json',
      JSON.stringify({ upn: 'bo@x.org', ...reply('bo@x.org', 'has=padding') }),
      JSON.stringify({ upn: 'cy@x.org', ...reply('cy@x.org', b64(32, 3), '2026-01-10T09:00:00Z') }),
      JSON.stringify({ upn: 'anna@x.org', ...reply('anna@x.org', b64(32, 4)) }),
      '',
      JSON.stringify({ value: reply('dan@x.org', b64(32, 5)) }),
    ].join('\n');
    const r = readOptionsFile(lines, { now });
    expect(r.format).toBe('jsonl');
    expect(r.targets.map((t) => t.upn)).toEqual(['anna@x.org', 'dan@x.org']);
    expect(r.targets[0].userId).toBe('oid-1');
    expect(JSON.stringify(r.targets[0].publicKey)).not.toContain('@odata');
    expect(r.errors).toEqual([
      { row: 2, problem: 'notJson' },
      { row: 3, problem: 'badChallenge' },
      { row: 4, problem: 'expired' },
      { row: 5, problem: 'duplicate' },
    ]);
  });

  it('a JSON array works the same; a non-array is one error', () => {
    const r = readOptionsFile(JSON.stringify([{ upn: 'a@x.org', ...reply('a@x.org') }, 5]), {
      now,
    });
    expect(r.targets).toHaveLength(1);
    expect(r.errors).toEqual([{ row: 2, problem: 'notJson' }]);
    expect(readOptionsFile('[', { now }).errors).toEqual([{ row: 1, problem: 'notJson' }]);
  });

  it("the bulk scripts' CSV: the scripts' fixed options with the station's rp id", () => {
    const csv = [
      BULK_CSV_HEADER,
      `anna@x.org,"Berg, Anna",${b64(64, 1)},${b64(32, 2)},2026-01-10T12:00:00Z`,
      `bo@x.org,Bo,not*b64,${b64(32, 3)},2026-01-10T12:00:00Z`,
      `noat,Cy,${b64(64, 1)},${b64(32, 4)},2026-01-10T12:00:00Z`,
      `dan@x.org,Dan,${b64(64, 1)},${b64(32, 5)},tomorrow`,
    ].join('\r\n');
    const r = readOptionsFile(csv, { now, rpId: 'login.microsoftonline.us' });
    expect(r.format).toBe('csv');
    expect(r.targets).toHaveLength(1);
    const pk = r.targets[0].publicKey as Record<string, unknown>;
    expect(pk).toMatchObject({
      rp: { id: 'login.microsoftonline.us' },
      user: { name: 'anna@x.org', displayName: 'Berg, Anna', id: b64(64, 1) },
      challenge: b64(32, 2),
      pubKeyCredParams: [
        { type: 'public-key', alg: -7 },
        { type: 'public-key', alg: -257 },
      ],
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      attestation: 'direct',
      extensions: {
        hmacCreateSecret: true,
        credentialProtectionPolicy: 'userVerificationOptional',
      },
    });
    expect(r.errors).toEqual([
      { row: 3, problem: 'badUserHandle' },
      { row: 4, problem: 'noPerson' },
      { row: 5, problem: 'badExpiry' },
    ]);
    expect(readOptionsFile('User,Name\nx,y', { now }).errors).toEqual([
      { row: 1, problem: 'badHeader' },
    ]);
  });
});

describe('random PINs', () => {
  it('digits of the asked length, never trivial even when the random source tries', () => {
    for (let i = 0; i < 200; i++) {
      const p = randomPin(8);
      expect(p).toMatch(/^\d{8}$/);
      expect(isTrivialPin(p)).toBe(false);
    }
    // A source that first draws a run, then all ones, then something usable.
    const draws = [1, 2, 3, 4, 5, 6, 1, 1, 1, 1, 1, 1, 3, 1, 4, 1, 5, 9];
    expect(randomPin(6, () => draws.shift()!)).toBe('314159');
    expect(randomPin(2)).toHaveLength(4);
  });
});
