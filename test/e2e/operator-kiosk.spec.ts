/**
 * Operator console and kiosk end to end (DESIGN.md §3.7–3.8): the real renderer in Chromium against the real station
 * in browser mode, the station's in-process virtual key, a fresh data dir.
 *
 * first run → operator's own key → sign in with it → roster CSV with one bad row → a key
 * enrolled for a person on their behalf (E1's flow) → a one-time pass → kiosk: pass sign-in →
 * the wizard → done → nothing of the person reachable (back, reload, contract) → the used
 * pass is refused → a second person goes idle (short timeout for the test) → the same →
 * operator unlock → the audit log names the operator → a row edited in the SQLite file is
 * flagged by the viewer.
 */
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import WebSocket from 'ws';
import { expect, startStation, test, type RunningStation } from './station';
import { msg } from './methods-support';
import { PIN, registerKey } from './security-key-support';
import { RegistryTampering } from '../../main/db/tampering';

const lang = 'sv' as const;
const KIOSK_IDLE_SECONDS = 10;
const OPERATOR = { username: 'anna.admin', name: 'Anna Admin', password: 'korrekt-häst-batteri-1' };
const shot = (name: string) => join('test', 'artifacts', `operator-kiosk-${name}.png`);

/**
 * A full-page screenshot, then one harmless click: in this Chromium the first click after a
 * full-page capture only focuses its target (the page's own handlers never see it).
 */
async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: shot(name), fullPage: true });
  await page.locator('h1').first().click();
}

/** One contract call over the browser host's WebSocket, as any page of the station could. */
async function contractCall(
  station: RunningStation,
  call: string,
  args: Record<string, unknown>,
): Promise<{ ok: boolean; value?: unknown; error?: { kind: string; code: string } }> {
  const url = new URL(station.url);
  const token = url.searchParams.get('token') ?? '';
  const ws = new WebSocket(`ws://${url.host}/api?token=${encodeURIComponent(token)}`, {
    headers: { Origin: url.origin },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const answer = new Promise<string>((resolve) => {
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as { id?: number };
        if (m.id === 1) resolve(String(data));
      });
    });
    ws.send(JSON.stringify({ id: 1, call: `ks:${call}`, args }));
    return (JSON.parse(await answer) as { result: never }).result;
  } finally {
    ws.close();
  }
}

async function signInWithKey(page: Page, container: Locator): Promise<void> {
  await container.getByLabel(msg(lang, 'operator.signIn.pin')).fill(PIN);
  await container.getByRole('button', { name: msg(lang, 'operator.signIn.submit') }).click();
  await container.getByTestId('operator-virtual-touch').click();
  void page;
}

/** The authenticator app step of the wizard: "can't scan" → secret → a real TOTP code. */
async function authenticatorAppStep(page: Page, main: Locator): Promise<void> {
  const next = () => main.getByRole('button', { name: msg(lang, 'common.next') }).click();
  await expect(main.getByText(msg(lang, 'authApp.getApp.heading'))).toBeVisible();
  await next();
  await expect(main.getByText(msg(lang, 'authApp.setup.heading'))).toBeVisible();
  await next();
  await main.getByRole('button', { name: msg(lang, 'authApp.scan.cantScan') }).click();
  const grouped = (await main.getByTestId('app-secret').innerText()).trim();
  const details = (await main.getByTestId('app-manual').innerText()).match(
    /(\d+)\D+(\d+)\D+\((SHA\d+)\)/,
  );
  await page.screenshot({ path: shot('10-kiosk-wizard-app') });
  await next();
  const totp = new TOTP({
    secret: Secret.fromBase32(grouped.replace(/ /g, '')),
    digits: Number(details?.[1]),
    period: Number(details?.[2]),
    algorithm: details?.[3],
  });
  await main.getByLabel(msg(lang, 'authApp.verify.codeLabel')).fill(totp.generate());
  await main.getByRole('button', { name: msg(lang, 'enroll.verify') }).click();
  await expect(main.getByText(msg(lang, 'authApp.success.heading'))).toBeVisible();
  await main.getByRole('button', { name: msg(lang, 'common.done'), exact: true }).click();
}

test('operator console and kiosk: first run → key sign-in → roster → pass → kiosk wizard → forgets', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const started = Date.now();
  const timings: string[] = [];
  const mark = (what: string) =>
    timings.push(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.env.KEYSTATION_KIOSK_IDLE_SECONDS = String(KIOSK_IDLE_SECONDS);
  const station = await startStation(['--demo']);
  delete process.env.KEYSTATION_KIOSK_IDLE_SECONDS;
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    // ---- First run -------------------------------------------------------------------
    await page.goto(station.url);
    await page.getByRole('link', { name: msg(lang, 'firstRun.bannerLink') }).click();
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'firstRun.title') }),
    ).toBeVisible();
    await page.getByLabel(msg(lang, 'firstRun.displayName')).fill(OPERATOR.name);
    await page
      .getByLabel(msg(lang, 'operator.signIn.username'), { exact: true })
      .fill(OPERATOR.username);
    await page
      .getByLabel(msg(lang, 'operator.signIn.password'), { exact: true })
      .fill(OPERATOR.password);
    await page.getByLabel(msg(lang, 'firstRun.confirmPassword')).fill(OPERATOR.password);
    await page.getByLabel(msg(lang, 'firstRun.organizationName')).fill('Exempelkommunen');
    await page.getByLabel(msg(lang, 'firstRun.rpId')).fill('login.exempel.se');
    await page.getByLabel(msg(lang, 'firstRun.rpName')).fill('Exempelkommunen');
    await page.getByLabel(msg(lang, 'policyEditor.requiredCount')).fill('2');
    await snap(page, '01-first-run');
    await page.getByRole('button', { name: msg(lang, 'firstRun.submit') }).click();

    // The operator's own key: the virtual key has no PIN yet, so one is set here.
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'firstRun.keyTitle') }),
    ).toBeVisible();
    await page.getByLabel(msg(lang, 'operator.key.newPin')).fill(PIN);
    await page.getByLabel(msg(lang, 'operator.key.confirmPin')).fill(PIN);
    await page.getByRole('button', { name: msg(lang, 'operator.key.register') }).click();
    await page.getByTestId('operator-virtual-touch').click();
    await expect(page.getByTestId('operator-key-registered')).toBeVisible();
    await snap(page, '02-operator-key');
    mark('first run + operator key');

    // ---- Sign out, sign in with the key ----------------------------------------------
    await page.getByTestId('first-run-finish').click();
    await page.getByRole('button', { name: msg(lang, 'operator.nav.signOut') }).click();
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'operator.signIn.title') }),
    ).toBeVisible();
    // Signed out means signed out on the server too.
    const refused = await contractCall(station, 'roster.list', { query: '' });
    expect(refused.ok).toBe(false);
    expect(refused.error?.code).toBe('session.signInRequired');
    await signInWithKey(page, page.locator('main'));
    await expect(page.getByTestId('signed-in-operator')).toContainText(OPERATOR.name);
    await snap(page, '03-dashboard');
    const counts = async () =>
      ((await page.getByTestId('dashboard-total').innerText()).match(/\d+/g) ?? []).map(Number);
    const before = await counts();
    expect(before).toHaveLength(3);
    mark('key sign-in');

    // ---- Roster CSV import with one bad row ------------------------------------------
    await page.goto(`${station.origin}/#/operator/import`);
    const csv = [
      'upn,display name,department,email,mobile',
      'nora.berg@exempel.se,Nora Berg,Ekonomi,nora.berg@exempel.se,+46701234567',
      'not-an-upn,Trasig Rad,Ekonomi,,',
      'olle.strand@exempel.se,Olle Strand,IT,,',
      'pia.lund@exempel.se,Pia Lund,IT,,+46709876543',
    ].join('\n');
    await page.getByLabel(msg(lang, 'roster.paste')).fill(csv);
    await page.getByRole('button', { name: msg(lang, 'roster.preview') }).click();
    const preview = page.getByTestId('row-errors');
    await expect(preview).toContainText('3');
    await expect(preview).toContainText(msg(lang, 'roster.rowErrors.invalidUpn'));
    await snap(page, '04-import-preview');
    await page.getByRole('button', { name: msg(lang, 'roster.importValid', { count: 3 }) }).click();
    await expect(page.getByTestId('import-result')).toHaveText(
      msg(lang, 'roster.resultSummary', { created: 3, updated: 0, unchanged: 0, errors: 1 }),
    );
    await snap(page, '05-import-result');

    // The overview counts the three new people as not started, and charts their departments.
    await page
      .getByRole('link', { name: msg(lang, 'operator.nav.dashboard'), exact: true })
      .click();
    await expect.poll(counts).toEqual([before[0], before[1], before[2] + 3]);
    await expect(page.locator('svg text', { hasText: 'Ekonomi' })).toBeVisible();
    await expect(page.getByTestId('methods-by-kind')).toBeVisible();

    // Search as you type + the "not started" filter.
    await page.getByRole('link', { name: msg(lang, 'operator.nav.roster'), exact: true }).click();
    await page.getByTestId('registration-filter').selectOption('notStarted');
    await page.getByLabel(msg(lang, 'operator.roster.search')).fill('Nora');
    const roster = page.getByTestId('roster');
    await expect(roster.getByRole('link', { name: 'Nora Berg' })).toBeVisible();
    await expect(roster.getByRole('link')).toHaveCount(1);
    await snap(page, '06-roster');
    mark('roster import');

    // ---- A key for Nora, on her behalf (E1's security key flow) ----------------------
    await roster.getByRole('link', { name: 'Nora Berg' }).click();
    await expect(page.getByTestId('person-upn')).toHaveText('nora.berg@exempel.se');
    const personUrl = page.url();
    const noraId = decodeURIComponent(/people\/([^/]+)$/.exec(personUrl)?.[1] ?? '');
    await page.getByRole('link', { name: msg(lang, 'operator.person.openSecurityInfo') }).click();
    // The wizard opens for someone with nothing registered; the operator adds the key directly.
    await page.getByRole('button', { name: msg(lang, 'wizard.later') }).click();
    await page.getByRole('button', { name: msg(lang, 'securityInfo.addMethod') }).click();
    const chooser = page.getByRole('dialog', { name: msg(lang, 'securityInfo.addMethod') });
    const keyDialog = page.getByRole('dialog', { name: msg(lang, 'methods.kind.securityKey') });
    await expect(chooser.or(keyDialog)).toBeVisible();
    if (await chooser.isVisible()) {
      await chooser
        .getByRole('radio', { name: msg(lang, 'methods.kind.securityKey'), exact: true })
        .check();
      await chooser.getByTestId('add-method-confirm').click();
    }
    await registerKey(page, keyDialog, lang, 'Noras nyckel', { pinStep: 'enter' });
    await keyDialog.getByRole('button', { name: msg(lang, 'common.done') }).click();
    await snap(page, '07-key-for-nora');
    mark('key enrolled on behalf');

    // ---- Passes: one-time for Nora, multi-use for Olle --------------------------------
    // Back from the person's Security info to their page in the console.
    await page.getByTestId('back-to-console').click();
    await expect(page.getByTestId('person-upn')).toHaveText('nora.berg@exempel.se');
    expect(page.url()).toBe(personUrl);
    await page.getByRole('button', { name: msg(lang, 'passes.issue') }).click();
    const slip = page.getByTestId('pass-slip');
    await expect(slip).toBeVisible();
    await expect(slip.getByRole('img', { name: msg(lang, 'passes.qrAlt') })).toBeVisible();
    const noraPass = (await page.getByTestId('pass-code').innerText()).trim();
    expect(noraPass).toMatch(/^[A-Za-z0-9]{12}$/);
    await snap(page, '08-pass-slip');
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: shot('08b-pass-slip-print') });
    await page.emulateMedia({ media: 'screen' });

    await page.goto(`${station.origin}/#/operator/roster`);
    await page.getByLabel(msg(lang, 'operator.roster.search')).fill('Olle');
    await page.getByTestId('roster').getByRole('link', { name: 'Olle Strand' }).click();
    await page.getByLabel(msg(lang, 'passes.oneTimeLabel')).uncheck();
    await page.getByRole('button', { name: msg(lang, 'passes.issue') }).click();
    const ollePass = (await page.getByTestId('pass-code').innerText()).trim();
    mark('passes');

    // ---- Kiosk: Nora signs in with the pass and completes the wizard ----------------
    await page.getByRole('button', { name: msg(lang, 'operator.nav.startKiosk') }).click();
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'kiosk.welcome.title') }),
    ).toBeVisible();
    await snap(page, '09-kiosk-welcome');
    // Kiosk mode: no operator session any more, and no way into the console by address.
    expect((await contractCall(station, 'roster.list', { query: '' })).ok).toBe(false);
    await page.goto(`${station.origin}/#/operator/roster`);
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'kiosk.welcome.title') }),
    ).toBeVisible();

    await page.getByLabel(msg(lang, 'kiosk.welcome.upn')).fill('nora.berg@exempel.se');
    await page.getByLabel(msg(lang, 'kiosk.welcome.pass')).fill(noraPass);
    await page
      .getByRole('button', { name: msg(lang, 'kiosk.welcome.submit'), exact: true })
      .click();
    await expect(page.getByTestId('kiosk-person')).toContainText('Nora Berg');
    // A kiosk person reaches only their own record.
    expect((await contractCall(station, 'securityInfo.get', { personId: noraId })).ok).toBe(true);
    const other = await contractCall(station, 'roster.list', { query: '' });
    expect(other.error?.code).toBe('session.operatorRequired');
    const main = page.locator('main');
    await expect(main.getByRole('heading', { name: msg(lang, 'wizard.title') })).toBeVisible();
    await main.getByTestId('wizard-prompt-next').click();
    await authenticatorAppStep(page, main);
    await expect(main.getByText(msg(lang, 'wizard.successTitle'))).toBeVisible();
    await snap(page, '11-kiosk-wizard-done');
    await main.getByRole('button', { name: msg(lang, 'wizard.done'), exact: true }).click();
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'kiosk.done.title') }),
    ).toBeVisible();
    await snap(page, '12-kiosk-done');
    mark('kiosk wizard');

    // ---- Nothing of Nora is reachable: contract, back navigation, reload ----------------
    const after = await contractCall(station, 'securityInfo.get', { personId: noraId });
    expect(after.ok).toBe(false);
    expect(after.error?.code).toBe('session.signInRequired');
    await page.getByRole('button', { name: msg(lang, 'kiosk.done.next') }).click();
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'kiosk.welcome.title') }),
    ).toBeVisible();
    await page.goBack().catch(() => undefined);
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'kiosk.welcome.title') }),
    ).toBeVisible();
    await expect(page.getByText('Nora Berg')).toHaveCount(0);
    await page.reload();
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'kiosk.welcome.title') }),
    ).toBeVisible();
    await expect(page.getByText('Nora Berg')).toHaveCount(0);
    await page.goto(`${station.origin}/#/people/${noraId}/security-info`);
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'kiosk.welcome.title') }),
    ).toBeVisible();
    await expect(page.getByText('Nora Berg')).toHaveCount(0);

    // The used one-time pass is refused.
    await page.getByLabel(msg(lang, 'kiosk.welcome.upn')).fill('nora.berg@exempel.se');
    await page.getByLabel(msg(lang, 'kiosk.welcome.pass')).fill(noraPass);
    await page
      .getByRole('button', { name: msg(lang, 'kiosk.welcome.submit'), exact: true })
      .click();
    await expect(page.getByTestId('kiosk-error')).toHaveText(
      msg(lang, 'operator.errors.station.pass.used'),
    );
    await snap(page, '13-pass-used');
    mark('forgotten + used pass refused');

    // ---- Olle goes idle: warning, then the station forgets him too -------------------
    await page.reload();
    await page.getByLabel(msg(lang, 'kiosk.welcome.upn')).fill('olle.strand@exempel.se');
    await page.getByLabel(msg(lang, 'kiosk.welcome.pass')).fill(ollePass);
    await page
      .getByRole('button', { name: msg(lang, 'kiosk.welcome.submit'), exact: true })
      .click();
    await expect(page.getByTestId('kiosk-person')).toContainText('Olle Strand');
    const olleId = String(
      ((await contractCall(station, 'operator.status', {})).value as { person: { id: string } })
        .person.id,
    );
    await expect(page.getByTestId('kiosk-idle-warning')).toBeVisible({
      timeout: KIOSK_IDLE_SECONDS * 1000,
    });
    await snap(page, '14-kiosk-idle-warning');
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'kiosk.welcome.title') }),
    ).toBeVisible({
      timeout: KIOSK_IDLE_SECONDS * 1000 + 5000,
    });
    await expect(page.getByText('Olle Strand')).toHaveCount(0);
    const afterIdle = await contractCall(station, 'securityInfo.get', { personId: olleId });
    expect(afterIdle.error?.code).toBe('session.signInRequired');
    await page.goBack().catch(() => undefined);
    await expect(page.getByText('Olle Strand')).toHaveCount(0);
    mark('idle timeout');

    // ---- Operator unlock: a wrong password keeps the kiosk, the operator's key opens it ----
    await page.getByRole('button', { name: msg(lang, 'kiosk.unlock.open') }).click();
    await page.getByRole('radio', { name: msg(lang, 'operator.signIn.withPassword') }).check();
    await page
      .getByLabel(msg(lang, 'operator.signIn.username'), { exact: true })
      .fill(OPERATOR.username);
    await page
      .getByRole('textbox', { name: msg(lang, 'operator.signIn.password'), exact: true })
      .fill('inte-rätt-lösenord');
    await page.getByRole('button', { name: msg(lang, 'kiosk.unlock.submit') }).click();
    await expect(
      page.getByText(msg(lang, 'operator.errors.station.operator.invalidCredentials')),
    ).toBeVisible();
    expect(
      ((await contractCall(station, 'operator.status', {})).value as { kiosk: boolean }).kiosk,
    ).toBe(true);
    await page.getByRole('radio', { name: msg(lang, 'operator.signIn.withKey') }).check();
    await page.getByLabel(msg(lang, 'operator.signIn.pin')).fill(PIN);
    await page.getByRole('button', { name: msg(lang, 'kiosk.unlock.submit') }).click();
    await page.getByTestId('operator-virtual-touch').click();
    await expect(page.getByTestId('signed-in-operator')).toContainText(OPERATOR.name);

    await page.getByRole('link', { name: msg(lang, 'operator.nav.audit'), exact: true }).click();
    const rows = page.getByTestId('audit-rows');
    const imported = rows.locator('tr', { hasText: msg(lang, 'audit.actions.roster_imported') });
    await expect(imported).toContainText(`${OPERATOR.username} (operatör)`);
    const keyRow = rows
      .locator('tr', { hasText: msg(lang, 'audit.actions.method_registered') })
      .filter({ hasText: 'nora.berg@exempel.se' });
    // The key the operator enrolled is recorded with the operator as actor; the app Nora set
    // up herself at the kiosk with Nora as actor. The details name the method in words.
    await expect(keyRow.filter({ hasText: msg(lang, 'methods.kind.securityKey') })).toContainText(
      `${OPERATOR.username} (operatör)`,
    );
    await expect(
      keyRow.filter({ hasText: msg(lang, 'methods.kind.authenticatorApp') }),
    ).toContainText('(person)');
    await expect(
      rows.locator('tr', { hasText: msg(lang, 'audit.actions.pass_issued') }).first(),
    ).toContainText(OPERATOR.username);
    await page.getByTestId('audit-operator').selectOption(OPERATOR.username);
    await expect(rows.locator('tbody tr').first()).toContainText(OPERATOR.username);
    await snap(page, '15-audit');
    const verified = page.getByTestId('audit-verification');
    await expect(verified).toHaveClass(/ks-notice--success/);

    // ---- Tamper with one row in the SQLite file: the viewer flags it -------------------
    const importedSeq = Number(
      (await imported.locator('td').first().innerText()).match(/\d+/)?.[0],
    );
    const registry = RegistryTampering.openFile(join(station.dataDir, 'registry.sqlite'));
    try {
      registry.unlockAudit();
      registry.setAuditDetails(importedSeq, '{"created":0}');
    } finally {
      registry.close();
    }
    await page.reload();
    await expect(page.getByTestId('audit-verification')).toContainText(
      msg(lang, 'audit.chainBroken'),
    );
    await expect(page.getByTestId('audit-verification')).toContainText(
      msg(lang, 'audit.problems.edited', { seq: importedSeq }),
    );
    await expect(page.getByTestId(`audit-row-${importedSeq}`)).toContainText(
      msg(lang, 'audit.tampered'),
    );
    await snap(page, '16-audit-tampered');
    await page.getByTestId(`audit-row-${importedSeq}`).scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('16b-audit-tampered-row') });
    mark('audit + tamper');

    expect(pageErrors).toEqual([]);
  } finally {
    console.log(`operator-kiosk timings:\n  ${timings.join('\n  ')}`);
    await station.stop();
  }
});
