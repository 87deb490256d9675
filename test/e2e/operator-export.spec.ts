/**
 * The operator console's Export tab (DESIGN.md §6) in Chromium against the real station: a key
 * enrolled on the virtual key, then the person's and the roster's WebAuthn registration JSON
 * and a verified backup, all downloaded through the browser (Blob + link) and checked.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import WebSocket from 'ws';
import { expect, startStation, test, type RunningStation } from './station';
import { msg } from './methods-support';

const lang = 'sv' as const;
const PASSWORD = 'ett-långt-lösenord-42';
const LARS = 'lars.nilsson@demo.keystation.local';
const shot = (name: string) => join('test', 'artifacts', `operator-export-${name}.png`);

interface Answer {
  ok: boolean;
  value?: unknown;
  error?: { kind: string; code: string };
}

/** One WebSocket for a series of contract calls (the station has one session). */
async function contractSession(station: RunningStation) {
  const url = new URL(station.url);
  const ws = new WebSocket(
    `ws://${url.host}/api?token=${encodeURIComponent(url.searchParams.get('token') ?? '')}`,
    { headers: { Origin: url.origin } },
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const waiting = new Map<number, (a: Answer) => void>();
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as { id?: number; result?: Answer };
    if (m.id !== undefined && m.result) waiting.get(m.id)?.(m.result);
  });
  let next = 1;
  return {
    async value<T>(call: string, args: Record<string, unknown>): Promise<T> {
      const id = next++;
      const answer = new Promise<Answer>((resolve) => waiting.set(id, resolve));
      ws.send(JSON.stringify({ id, call: `ks:${call}`, args }));
      const r = await answer;
      if (!r.ok) throw new Error(`${call}: ${r.error?.code}`);
      return r.value as T;
    },
    close: () => ws.close(),
  };
}

/** First run (demo), a virtual key enrolled for Lars, then signed out for the UI. */
async function prepare(station: RunningStation): Promise<void> {
  const c = await contractSession(station);
  try {
    await c.value('operator.setup', {
      username: 'bo.operator',
      displayName: 'Bo Operatör',
      password: PASSWORD,
      mode: 'demo',
      organizationName: 'Exempelkommunen',
      rpId: 'demo.keystation.local',
      rpName: 'Exempelkommunen',
      requiredCount: 2,
      requireSecurityKey: true,
      kioskIdleSeconds: 120,
    });
    const found = await c.value<{ people: { id: string; upn: string }[] }>('people.search', {
      query: 'lars nilsson',
    });
    const lars = found.people.find((p) => p.upn === LARS)?.id;
    expect(lars).toBeDefined();
    await c.value('virtualKey.setTouchMode', { mode: 'auto' });
    const start = await c.value<{ enrollmentId: string }>('securityKey.begin', {
      personId: lars,
      deviceId: 'virtual-1',
      operationId: 'e2e-begin',
    });
    await c.value('securityKey.setPin', {
      enrollmentId: start.enrollmentId,
      pin: '482915',
      confirmation: '482915',
    });
    await c.value('securityKey.register', {
      enrollmentId: start.enrollmentId,
      operationId: 'e2e-register',
    });
    await c.value('securityKey.complete', {
      enrollmentId: start.enrollmentId,
      operationId: 'e2e-complete',
      name: 'Exportnyckel',
    });
    await c.value('operator.signOut', {});
  } finally {
    c.close();
  }
}

async function signIn(page: Page): Promise<void> {
  await page.getByRole('radio', { name: msg(lang, 'operator.signIn.withPassword') }).check();
  await page.getByLabel(msg(lang, 'operator.signIn.username'), { exact: true }).fill('bo.operator');
  await page
    .getByRole('textbox', { name: msg(lang, 'operator.signIn.password'), exact: true })
    .fill(PASSWORD);
  await page.getByRole('button', { name: msg(lang, 'operator.signIn.submit') }).click();
  await expect(page.getByTestId('signed-in-operator')).toContainText('Bo Operatör');
}

interface ExportedKey {
  upn: string;
  keyName: string;
  credential: { id: string };
  registration: {
    id: string;
    rawId: string;
    type: string;
    response: { attestationObject: string; clientDataJSON: string; transports?: string[] };
  } | null;
}

function expectStandardRegistration(key: ExportedKey | undefined): void {
  expect(key).toBeDefined();
  const reg = key?.registration;
  expect(reg?.type).toBe('public-key');
  expect(reg?.id).toBe(key?.credential.id);
  expect(reg?.rawId).toBe(reg?.id);
  expect(reg?.response.attestationObject).toMatch(/^[A-Za-z0-9_-]{40,}$/);
  const clientData = JSON.parse(
    Buffer.from(reg?.response.clientDataJSON ?? '', 'base64url').toString('utf8'),
  ) as { type: string };
  expect(clientData.type).toBe('webauthn.create');
  expect(reg?.response.transports).toContain('usb');
}

test('export tab: WebAuthn JSON per person and roster, verified backup', async ({ page }) => {
  test.setTimeout(120_000);
  const station = await startStation(['--demo']);
  try {
    await prepare(station);
    await page.goto(station.url);
    await signIn(page);

    // The person page: that person's keys only.
    await page.getByRole('link', { name: msg(lang, 'operator.nav.roster'), exact: true }).click();
    await page.getByLabel(msg(lang, 'operator.roster.search')).fill('Lars Nilsson');
    await page.getByTestId('roster').getByRole('link', { name: 'Lars Nilsson' }).click();
    await expect(page.getByTestId('person-upn')).toHaveText(LARS);
    const personDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: msg(lang, 'operator.person.exportKeys') }).click();
    const personFile = await personDownload;
    expect(personFile.suggestedFilename()).toMatch(
      /^keystation-webauthn-lars\.nilsson_demo\.keystation\.local-\d{4}-\d{2}-\d{2}\.json$/,
    );
    const mine = JSON.parse(readFileSync(await personFile.path(), 'utf8')) as {
      person: string;
      keys: ExportedKey[];
    };
    expect(mine.person).toBe(LARS);
    expect(mine.keys.every((k) => k.upn === LARS)).toBe(true);
    const larsKey = mine.keys.find((k) => k.keyName === 'Exportnyckel');
    expectStandardRegistration(larsKey);
    await page.screenshot({ path: shot('01-person'), fullPage: true });

    // The Export tab: every key in the roster.
    await page.getByRole('link', { name: msg(lang, 'operator.nav.export'), exact: true }).click();
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'operator.export.title') }),
    ).toBeVisible();
    const rosterDownload = page.waitForEvent('download');
    await page
      .getByRole('button', { name: msg(lang, 'operator.export.webauthn.download') })
      .click();
    const rosterFile = await rosterDownload;
    expect(rosterFile.suggestedFilename()).toMatch(/^keystation-webauthn-roster-[\d-]+\.json$/);
    const roster = JSON.parse(readFileSync(await rosterFile.path(), 'utf8')) as {
      format: string;
      person: string | null;
      keys: ExportedKey[];
    };
    expect(roster.format).toBe('keystation.webauthn-registrations.v1');
    expect(roster.person).toBeNull();
    expect(new Set(roster.keys.map((k) => k.upn)).size).toBeGreaterThan(1);
    expectStandardRegistration(roster.keys.find((k) => k.credential.id === larsKey?.credential.id));
    await expect(page.getByTestId('webauthn-exported')).toHaveText(
      msg(lang, 'operator.export.webauthn.done', { count: roster.keys.length }),
    );

    // A verified backup on the station's disk, its result shown and downloadable.
    await page.getByRole('button', { name: msg(lang, 'operator.export.backup.run') }).click();
    const result = page.getByTestId('backup-result');
    await expect(result).toContainText(msg(lang, 'operator.export.backup.verified'));
    await expect(page.getByTestId('backup-integrity')).toHaveText(
      msg(lang, 'operator.export.backup.ok'),
    );
    const fileName = (await page.getByTestId('backup-file').textContent()) ?? '';
    expect(fileName).toMatch(/^keystation-\d{8}T\d{6}Z(-\d+)?\.sqlite$/);
    const onDisk = join(station.dataDir, 'backups', fileName);
    expect(existsSync(onDisk)).toBe(true);
    const sha = createHash('sha256').update(readFileSync(onDisk)).digest('hex');
    await expect(page.getByTestId('backup-sha256')).toHaveText(sha);
    await page.screenshot({ path: shot('02-backup'), fullPage: true });

    const resultDownload = page.waitForEvent('download');
    await result
      .getByRole('button', { name: msg(lang, 'operator.export.backup.downloadResult') })
      .click();
    const resultFile = await resultDownload;
    expect(resultFile.suggestedFilename()).toBe(
      fileName.replace(/\.sqlite$/, '-verification.json'),
    );
    const report = JSON.parse(readFileSync(await resultFile.path(), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(report).toMatchObject({
      format: 'keystation.backup-verification.v1',
      fileName,
      integrityOk: true,
      auditOk: true,
      sha256: sha,
      bytes: readFileSync(onDisk).length,
    });
    expect(report.people).toBeGreaterThan(0);

    // The audit log names the operator for the exports and the backup.
    await page.getByRole('link', { name: msg(lang, 'operator.nav.audit'), exact: true }).click();
    await page.getByTestId('audit-action').selectOption('registry.backedUp');
    const rows = page.getByTestId('audit-rows').locator('tbody tr');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('bo.operator');
    await page.getByTestId('audit-action').selectOption('registry.exported');
    await expect(rows).toHaveCount(2);
    await page.screenshot({ path: shot('03-audit'), fullPage: true });
  } finally {
    await station.stop();
  }
});
