/**
 * "Byt namn" for authenticator apps and hardware tokens (DESIGN.md §3.1), through the real
 * station host and its guard: the new name is stored in one transaction with an audit row that
 * does not hold the name, shows in the list and in the default-method choice, a blank name takes
 * it away (the method is numbered again), hostile names are refused with a translated code and
 * change nothing, other kinds can't be renamed, and a kiosk person may rename only their own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStationHost } from '../../../main/api';
import type { StationHost } from '../../../main/api/station-host';
import { MemorySettingsStore } from '../../../main/api/settings';
import { ManualClock } from '../../../main/station/clock';
import { totpCode } from '../../../main/station/methods/totp';
import type { MethodSummary } from '../../../preload/contract';
import { translateDynamic } from '../../../renderer/src/i18n/translate';
import { contractCaller, firstRunSetup } from './contract-caller';

const TOKEN_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const P = { period: 30, digits: 6, algorithm: 'SHA1' } as const;

let dir: string;
let host: StationHost;
let clock: ManualClock;
const { call, value, code } = contractCaller(() => host);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ks-rename-'));
  clock = new ManualClock(Date.UTC(2026, 2, 2, 9));
  host = await openStationHost({
    clock,
    dataDir: dir,
    demo: false,
    settings: new MemorySettingsStore(),
    host: 'browser',
    version: 'test',
  });
  await value('operator.setup', firstRunSetup('production'));
});

afterEach(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

async function person(upn: string): Promise<string> {
  const p = await value<{ id: string }>('roster.create', {
    upn,
    displayName: upn.split('@')[0],
    department: '',
    email: '',
    mobile: '',
  });
  return p.id;
}

async function addApp(personId: string): Promise<MethodSummary> {
  const begun = await value<{ enrollmentId: string; manual: { secret: string } }>(
    'enrollment.appBegin',
    { personId },
  );
  const secret = begun.manual.secret.replace(/ /g, '');
  const m = await value<MethodSummary>('enrollment.appComplete', {
    enrollmentId: begun.enrollmentId,
    code: totpCode(secret, P, new Date(clock.now())),
  });
  clock.advance(30_000);
  return m;
}

async function methods(personId: string): Promise<MethodSummary[]> {
  return (await value<{ methods: MethodSummary[] }>('securityInfo.get', { personId })).methods;
}

async function auditActions(): Promise<{ action: string; details: Record<string, unknown> }[]> {
  const r = await value<{ rows: { action: string; details: Record<string, unknown> }[] }>(
    'audit.list',
    { limit: 200 },
  );
  return r.rows;
}

describe('renaming apps and tokens', () => {
  it('an app gets a name, shown in the list; blank takes it away again; each change is audited without the name', async () => {
    const anna = await person('anna@example.org');
    const first = await addApp(anna);
    await addApp(anna);
    expect((await methods(anna)).map((m) => m.number)).toEqual([1, 2]);

    const renamed = await value<MethodSummary>('methods.rename', {
      personId: anna,
      methodId: first.id,
      name: '  Jobbtelefonen ',
    });
    expect(renamed.name).toBe('Jobbtelefonen');
    const list = await methods(anna);
    expect(list.map((m) => [m.name ?? null, m.number ?? null])).toEqual([
      ['Jobbtelefonen', null],
      // Still numbered by its place, so it reads as before.
      [null, 2],
    ]);

    // The same name again changes nothing and writes nothing.
    const before = (await auditActions()).length;
    await value('methods.rename', { personId: anna, methodId: first.id, name: 'Jobbtelefonen' });
    expect((await auditActions()).length).toBe(before);

    await value('methods.rename', { personId: anna, methodId: first.id, name: '   ' });
    expect((await methods(anna)).map((m) => m.name ?? null)).toEqual([null, null]);
    expect((await methods(anna)).map((m) => m.number)).toEqual([1, 2]);

    const rows = (await auditActions()).filter((r) => r.action === 'method.renamed');
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.details.named).sort()).toEqual([false, true]);
    expect(JSON.stringify(rows)).not.toContain('Jobbtelefonen');
  });

  it('hostile names are refused with a code that has a message in both languages, and nothing changes', async () => {
    const anna = await person('anna@example.org');
    const app = await addApp(anna);
    await value('methods.rename', { personId: anna, methodId: app.id, name: 'Surfplattan' });
    for (const name of ['x'.repeat(65), 'Jobb\u0007telefon', 'rad\nbrytning', '\u0000']) {
      const r = await call('methods.rename', { personId: anna, methodId: app.id, name });
      expect(r.ok ? null : r.error.code, JSON.stringify(name)).toBe('method.nameInvalid');
    }
    // Longer than the contract allows: refused before the station sees it.
    expect(
      await code('methods.rename', { personId: anna, methodId: app.id, name: 'y'.repeat(300) }),
    ).toBe('invalidArguments');
    for (const lang of ['sv', 'en'] as const) {
      expect(translateDynamic(lang, 'errors.station.method.nameInvalid')).toBeTruthy();
      expect(translateDynamic(lang, 'errors.station.method.cannotBeRenamed')).toBeTruthy();
      expect(translateDynamic(lang, 'audit.describe.method_renamed')).toBeTruthy();
    }
    expect((await methods(anna)).map((m) => m.name)).toEqual(['Surfplattan']);
  });

  it('a hardware token can be renamed (its serial stays); other kinds and unknown ids cannot', async () => {
    const anna = await person('anna@example.org');
    const imported = await value<{ imported: number }>('roster.importOathTokens', {
      csv: `upn,serial number,secret key,time interval,manufacturer,model\nanna@example.org,T-1,${TOKEN_SECRET},30,Contoso,OTP-6\n`,
    });
    expect(imported.imported).toBe(1);
    const token = await value<MethodSummary>('enrollment.tokenActivate', {
      personId: anna,
      serial: 'T-1',
      code: totpCode(TOKEN_SECRET, P, new Date(clock.now())),
    });
    const r = await value<MethodSummary>('methods.rename', {
      personId: anna,
      methodId: token.id,
      name: 'Nyckelknippan',
    });
    expect(r).toMatchObject({ kind: 'hardwareToken', name: 'Nyckelknippan', detail: 'T-1' });

    const bank = await value<{ required: number; questions: { id: string }[] }>(
      'enrollment.questionBank',
      {},
    );
    const q = await value<MethodSummary>('enrollment.questionsRegister', {
      personId: anna,
      answers: bank.questions.slice(0, bank.required).map((x, i) => ({
        questionId: x.id,
        answer: `svar ${i}`,
      })),
    });
    expect(await code('methods.rename', { personId: anna, methodId: q.id, name: 'Frågor' })).toBe(
      'method.cannotBeRenamed',
    );
    expect(
      await code('methods.rename', { personId: anna, methodId: '999999', name: 'Vad som helst' }),
    ).toBe('method.notFound');
  });
});

describe('a kiosk person', () => {
  it("renames their own app, but never another person's", async () => {
    const anna = await person('anna@example.org');
    const bo = await person('bo@example.org');
    const annasApp = await addApp(anna);
    const bosApp = await addApp(bo);
    const pass = await value<{ pass: string }>('passes.issue', {
      personId: anna,
      lifetimeMinutes: 60,
      oneTime: true,
    });
    expect((await value<{ kiosk: boolean }>('kiosk.start', {})).kiosk).toBe(true);
    expect(await code('kiosk.signIn', { upn: 'anna@example.org', pass: pass.pass })).toBeNull();

    expect(
      await code('methods.rename', { personId: anna, methodId: annasApp.id, name: 'Min telefon' }),
    ).toBeNull();
    expect(await code('methods.rename', { personId: bo, methodId: bosApp.id, name: 'Kapad' })).toBe(
      'session.forbidden',
    );
    // Anna's person id with Bo's method: not one of hers.
    expect(
      await code('methods.rename', { personId: anna, methodId: bosApp.id, name: 'Kapad' }),
    ).toBe('method.notFound');
  });
});
