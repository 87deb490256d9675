/**
 * What a first-time person meets at the station, walked by visible text (DESIGN.md §3.1–3.8):
 * the "More information required" prompt before the wizard, one wizard title, one "done" word,
 * one way back (or none), the default method marked, the app reminder after deleting an app,
 * the directory note, one true sentence about where a code went, the PIN rules linked to the
 * PIN field, toasts in the current language and clear of the table, and at the kiosk: the pass
 * that can be shown while typing and a language choice that ends with the person's session.
 * Screenshots: test/artifacts/first-time-*.png.
 */
import type { Locator, Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import WebSocket from 'ws';
import { DEMO_OATH_TOKENS } from '../../main/station/demoSeed';
import {
  codeFromDemoOutbox,
  methodRows,
  msg,
  offeredKinds,
  startAddMethod,
  type Lang,
} from './methods-support';
import { chooseKey, openPerson, toPinStep } from './security-key-support';
import { expect, startStation, test, type RunningStation } from './station';

const shot = (name: string) => `test/artifacts/first-time-${name}.png`;
const LARS = { upn: 'lars.nilsson@demo.keystation.local', pass: 'DemoPass-2468' };
const OPERATOR = { username: 'ulla.operator', password: 'korrekt-häst-batteri-7' };

/** One contract call over the browser host's WebSocket (the station has one session). */
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

/** First run done through the contract (a demo station keeps its demo people), operator in. */
async function firstRun(station: RunningStation): Promise<void> {
  const r = await contractCall(station, 'operator.setup', {
    username: OPERATOR.username,
    displayName: 'Ulla Operatör',
    password: OPERATOR.password,
    mode: 'demo',
    organizationName: 'Demo Organization',
    rpId: 'demo.keystation.local',
    rpName: 'Demo Organization',
    requiredCount: 2,
    requireSecurityKey: false,
    kioskIdleSeconds: 600,
  });
  expect(r.ok, JSON.stringify(r.error)).toBe(true);
}

function overlaps(
  a: { x: number; y: number; width: number; height: number },
  b: { x: number; y: number; width: number; height: number },
): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

async function kioskWelcome(page: Page, lang: Lang): Promise<Locator> {
  const heading = page.getByRole('heading', { level: 1, name: msg(lang, 'kiosk.welcome.title') });
  await expect(heading).toBeVisible();
  return page.locator('main');
}

test('at the desk: prompt, one title, one way back, default marked, notes, one true sentence, PIN rules, toasts', async ({
  page,
  station,
}) => {
  test.setTimeout(180_000);
  const lang: Lang = 'sv';

  // ---- The prompt before the wizard, then the wizard under its one title --------------
  await openPerson(page, station, 'Lars Nilsson', lang, 'wizard.title');
  await expect(page.locator('h1')).toHaveText(msg(lang, 'wizard.title'));
  expect(msg('sv', 'wizard.title')).toBe('Skydda ditt konto');
  const prompt = page.getByTestId('wizard-prompt');
  await expect(
    prompt.getByRole('heading', { name: msg(lang, 'wizard.prompt.title') }),
  ).toBeVisible();
  await expect(prompt).toContainText(LARS.upn);
  await expect(prompt).toContainText(msg(lang, 'wizard.prompt.body'));
  // The open demo's one way back leads to its person picker.
  const backLinks = page.getByRole('link', { name: /←/ });
  await expect(backLinks).toHaveCount(1);
  await page.screenshot({ path: shot('01-prompt'), fullPage: true });
  await prompt.getByRole('button', { name: msg(lang, 'wizard.prompt.next'), exact: true }).click();
  await expect(page.getByTestId('wizard-step')).toBeVisible();
  await page.screenshot({ path: shot('02-wizard-step'), fullPage: true });

  // ---- PIN rules linked to the PIN field -------------------------------------------------
  const step = page.getByTestId('wizard-step');
  if ((await step.getAttribute('data-kind')) !== 'securityKey') {
    await page.getByTestId('wizard-different').click();
    await page.getByRole('radio', { name: msg(lang, 'methods.kind.securityKey') }).check();
    await page.getByRole('button', { name: msg(lang, 'common.next') }).click();
  }
  await expect(step).toHaveAttribute('data-kind', 'securityKey');
  await chooseKey(step, lang);
  await toPinStep(step, lang);
  const pinField = step.getByTestId('pin-input');
  const rulesId = await step.getByTestId('pin-rules').getAttribute('id');
  expect(rulesId).toBeTruthy();
  expect((await pinField.getAttribute('aria-describedby'))?.split(' ')).toContain(rulesId);
  // What a screen reader hears with the field: the rules themselves.
  const ruleText = msg(lang, 'securityKey.pin.ruleLength', { count: 6 });
  await expect(pinField).toHaveAccessibleDescription(
    new RegExp(ruleText.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
  );
  await pinField.fill('1234');
  await page.screenshot({ path: shot('03-pin-rules'), fullPage: true });
  await step.getByRole('button', { name: msg(lang, 'wizard.later') }).click();

  // ---- Phone at an offline station: one true sentence -------------------------------------
  await expect(
    page.getByRole('heading', { level: 1, name: msg(lang, 'securityInfo.title') }),
  ).toBeVisible();
  const phone = await startAddMethod(page, lang, 'phoneSms');
  await phone.getByLabel(msg(lang, 'phone.number.label')).fill('070-765 43 21');
  await phone.getByRole('button', { name: msg(lang, 'phone.number.text') }).click();
  await expect(phone.getByTestId('phone-sent')).toHaveText(
    msg(lang, 'phone.code.savedSms', { number: '+46 70 765 43 21' }),
  );
  for (const untrue of [
    msg(lang, 'phone.code.sentSms', { number: '+46 70 765 43 21' }),
    msg(lang, 'enroll.offline.title'),
  ]) {
    await expect(phone.getByText(untrue, { exact: true })).toHaveCount(0);
  }
  await page.screenshot({ path: shot('04-phone-code-offline'), fullPage: true });
  await phone.getByRole('button', { name: msg(lang, 'common.back') }).click();
  await phone.getByRole('button', { name: msg(lang, 'common.cancel') }).click();
  await expect(phone).toBeHidden();

  // ---- Anna: the default marked, the directory note, the app reminder, the toasts -------
  await openPerson(page, station, 'Anna Svensson', lang);
  const table = page.getByTestId('methods');
  await expect(table.getByTestId('default-badge')).toHaveCount(1);
  const defaultRow = table.locator('tr', { has: page.getByTestId('default-badge') });
  await expect(defaultRow).toHaveAttribute('data-kind', 'securityKey');
  await expect(page.getByTestId('directory-note')).toHaveText(
    msg(lang, 'securityInfo.directoryNote'),
  );
  // Only the open demo's link back to its person picker.
  await expect(page.getByRole('link', { name: /←/ })).toHaveCount(1);
  await page.screenshot({ path: shot('05-security-info'), fullPage: true });

  const appRow = table.locator('tr[data-kind="authenticatorApp"]');
  await appRow.getByRole('button', { name: msg(lang, 'securityInfo.delete') }).click();
  await page.getByTestId('delete-confirm').click();
  await expect(appRow).toHaveCount(0);
  await expect(page.getByTestId('app-removed-reminder')).toContainText(
    msg(lang, 'securityInfo.appRemoved.body'),
  );
  const toast = page.getByTestId('toast').first();
  await expect(toast).toContainText(msg('sv', 'methods.kind.authenticatorApp'));
  // The toast stays clear of every Delete link in the table.
  const box = await toast.boundingBox();
  expect(box).not.toBeNull();
  const deletes = table.getByRole('button', { name: msg(lang, 'securityInfo.delete') });
  for (let i = 0; i < (await deletes.count()); i++) {
    const d = await deletes.nth(i).boundingBox();
    if (box && d) expect(overlaps(box, d), `toast over Delete link ${i}`).toBe(false);
  }
  await page.screenshot({ path: shot('06-app-deleted-sv') });
  // Switching the language says the toast again in the new language.
  await page.getByTestId('language-select').selectOption('en');
  await expect(toast).toContainText(msg('en', 'methods.kind.authenticatorApp'));
  await expect(toast).not.toContainText(msg('sv', 'methods.kind.authenticatorApp'));
  await expect(page.getByTestId('app-removed-reminder')).toContainText(
    msg('en', 'securityInfo.appRemoved.body'),
  );
  await page.screenshot({ path: shot('07-app-deleted-en') });
});

test('at the kiosk: the pass can be shown, the title and words are the same, the language ends with the person', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const station = await startStation(['--demo']);
  try {
    await firstRun(station);
    expect((await contractCall(station, 'kiosk.start', {})).ok).toBe(true);
    await page.goto(station.url);
    let main = await kioskWelcome(page, 'sv');

    // The pass from the slip can be checked while typing.
    const pass = main.getByLabel(msg('sv', 'kiosk.welcome.pass'));
    await expect(pass).toHaveAttribute('type', 'password');
    await pass.fill(LARS.pass);
    const show = main.getByRole('button', { name: msg('sv', 'kiosk.welcome.showPass') });
    await expect(show).toHaveAttribute('aria-pressed', 'false');
    await show.click();
    await expect(pass).toHaveAttribute('type', 'text');
    await expect(show).toHaveAttribute('aria-pressed', 'true');
    await expect(pass).toHaveValue(LARS.pass);
    await page.screenshot({ path: shot('10-kiosk-pass-shown') });

    // The person chooses English for their session.
    await page.getByTestId('language-select').selectOption('en');
    main = await kioskWelcome(page, 'en');
    await main.getByLabel(msg('en', 'kiosk.welcome.upn')).fill(LARS.upn);
    await main.getByLabel(msg('en', 'kiosk.welcome.pass')).fill(LARS.pass);
    await main
      .getByRole('button', { name: msg('en', 'kiosk.welcome.submit'), exact: true })
      .click();
    await expect(page.getByTestId('kiosk-person')).toContainText('Lars Nilsson');
    // The same title as at the desk, the prompt first, and no link back to anywhere.
    await expect(page.locator('h1')).toHaveText(msg('en', 'wizard.title'));
    expect(msg('en', 'wizard.title')).toBe('Protect your account');
    await expect(page.getByTestId('wizard-prompt')).toBeVisible();
    await expect(page.getByRole('link', { name: /←/ })).toHaveCount(0);
    await expect(page.getByText(msg('en', 'securityInfo.backToRoster'))).toHaveCount(0);
    await expect(page.getByRole('button', { name: msg('en', 'wizard.later') })).toHaveCount(0);
    await page.screenshot({ path: shot('11-kiosk-prompt-en'), fullPage: true });

    // ---- Phone at the kiosk: no dead end. The demo shows the person the recorded message,
    // and staff confirm on the same screen without ending kiosk mode.
    await page.getByTestId('wizard-prompt-next').click();
    await page.getByTestId('wizard-different').click();
    await page.getByRole('radio', { name: msg('en', 'methods.kind.phoneSms') }).check();
    await page.getByRole('button', { name: msg('en', 'common.next') }).click();
    const step = page.getByTestId('wizard-step');
    await expect(step).toHaveAttribute('data-kind', 'phoneSms');
    await step.getByLabel(msg('en', 'phone.number.label')).fill('070-765 43 21');
    await step.getByRole('button', { name: msg('en', 'phone.number.text') }).click();
    await expect(step.getByTestId('phone-sent')).toHaveText(
      msg('en', 'phone.code.savedSms', { number: '+46 70 765 43 21' }),
    );
    await expect(step.getByTestId('demo-outbox-text')).toHaveText(/\b\d{6}\b/);
    await expect(step.getByTestId('demo-outbox-text')).not.toHaveText(
      msg('en', 'enroll.demo.none'),
    );
    await step.getByTestId('staff-confirm-open').click();
    const staff = step.getByTestId('staff-confirm');
    await expect(staff).toContainText(
      msg('en', 'enroll.staff.bodyPhone', { number: '+46 70 765 43 21' }),
    );
    await staff.getByRole('radio', { name: msg('en', 'operator.signIn.withPassword') }).check();
    await staff
      .getByLabel(msg('en', 'operator.signIn.username'), { exact: true })
      .fill(OPERATOR.username);
    // The password field (its label is also the radio's: "Password").
    const password = staff.locator('input[type="password"]');
    await password.fill('wrong-password-1');
    await staff.getByRole('button', { name: msg('en', 'enroll.inPerson.confirm') }).click();
    await expect(staff.getByTestId('staff-confirm-error')).toBeVisible();
    await expect(step.getByTestId('phone-step-code')).toBeVisible();
    await page.screenshot({ path: shot('12-kiosk-staff-wrong'), fullPage: true });
    await password.fill(OPERATOR.password);
    await page.screenshot({ path: shot('13-kiosk-staff-confirm'), fullPage: true });
    await staff.getByRole('button', { name: msg('en', 'enroll.inPerson.confirm') }).click();
    await expect(step.getByTestId('phone-step-done')).toBeVisible();
    // Still the person's kiosk session: they go on.
    await expect(page.getByTestId('kiosk-person')).toContainText('Lars Nilsson');
    expect((await contractCall(station, 'operator.status', {})).value).toMatchObject({
      role: 'person',
      kiosk: true,
    });
    await page.screenshot({ path: shot('14-kiosk-phone-added'), fullPage: true });

    // The person is done: the session ends and the next person starts in the station's language.
    await page.getByRole('button', { name: msg('en', 'kiosk.session.done') }).click();
    await expect(
      page.getByRole('heading', { level: 1, name: msg('en', 'kiosk.done.title') }),
    ).toBeVisible();
    await page.screenshot({ path: shot('15-kiosk-done-en') });
    await page.getByRole('button', { name: msg('en', 'kiosk.done.next') }).click();
    await kioskWelcome(page, 'sv');
    await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
    await expect(page.getByTestId('language-select')).toHaveValue('sv');
    const stored = await contractCall(station, 'settings.get', {});
    expect((stored.value as { language: string | null }).language).not.toBe('en');
    await page.screenshot({ path: shot('16-kiosk-next-person-sv') });
  } finally {
    await station.stop();
  }
});

test('apps and tokens: offered when there is one, named by the person, told apart, the default marked; the app stores by QR', async ({
  page,
  station,
}) => {
  test.setTimeout(180_000);
  const lang: Lang = 'sv';
  const token = msg(lang, 'methods.kind.hardwareToken');

  // Erik has no token waiting: "Maskinvarutoken" isn't offered at all.
  await openPerson(page, station, 'Erik Johansson', lang, 'wizard.title');
  await page.getByRole('button', { name: msg(lang, 'wizard.later') }).click();
  await expect(page.getByTestId('methods')).toBeVisible();
  expect(await offeredKinds(page, lang)).not.toContain(token);

  // A second app, named by Erik; "Ladda ned nu" shows a QR code per app store.
  const dialog = await startAddMethod(page, lang, 'authenticatorApp');
  await dialog.getByRole('button', { name: msg(lang, 'authApp.getApp.downloadNow') }).click();
  const stores = dialog.getByTestId('app-stores');
  for (const store of ['appStore', 'googlePlay']) {
    const name = msg(lang, `authApp.getApp.store.${store}`);
    const qr = stores.getByRole('img', {
      name: msg(lang, 'authApp.getApp.storeQrAlt', { store: name }),
    });
    await expect(qr).toBeVisible();
    expect(await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    await expect(stores).toContainText(name);
  }
  await page.screenshot({ path: shot('20-app-download-now'), fullPage: true });
  await dialog.getByRole('button', { name: msg(lang, 'common.next') }).click();
  await dialog.getByRole('button', { name: msg(lang, 'common.next') }).click();
  await dialog.getByRole('button', { name: msg(lang, 'authApp.scan.cantScan') }).click();
  const secret = (await dialog.getByTestId('app-secret').innerText()).replace(/\s/g, '');
  const details = (await dialog.getByTestId('app-manual').innerText()).match(
    /(\d+)\D+(\d+)\D+\((SHA\d+)\)/,
  );
  await dialog.getByRole('button', { name: msg(lang, 'common.next') }).click();
  const totp = new TOTP({
    secret: Secret.fromBase32(secret),
    digits: Number(details?.[1]),
    period: Number(details?.[2]),
    algorithm: details?.[3],
  });
  await dialog.getByLabel(msg(lang, 'authApp.verify.codeLabel')).fill(totp.generate());
  await dialog.getByLabel(msg(lang, 'authApp.name.label')).fill('Jobbtelefonen');
  await page.screenshot({ path: shot('21-app-named') });
  await dialog.getByRole('button', { name: msg(lang, 'enroll.verify') }).click();
  await expect(dialog).toContainText(msg(lang, 'authApp.success.named', { name: 'Jobbtelefonen' }));
  await dialog.getByRole('button', { name: msg(lang, 'common.done'), exact: true }).click();
  await expect(dialog).toBeHidden();

  // Two apps, told apart: the unnamed one by its number, the new one by its name.
  const apps = methodRows(page, lang, 'authenticatorApp');
  await expect(apps).toHaveCount(2);
  await expect(apps.nth(0)).toContainText(msg(lang, 'securityInfo.numbered', { number: 1 }));
  await expect(apps.nth(1)).toContainText('Jobbtelefonen');
  await expect(page.getByTestId('default-badge')).toHaveCount(1);
  await page.screenshot({ path: shot('22-apps-told-apart'), fullPage: true });

  // "Change default method": no two choices alike, the current default marked.
  await page.getByTestId('change-default').click();
  const change = page.getByRole('dialog', {
    name: msg(lang, 'securityInfo.changeDefaultDialog.title'),
  });
  const labels = await change.locator('label').allInnerTexts();
  expect(labels.length).toBeGreaterThanOrEqual(3);
  expect(new Set(labels).size).toBe(labels.length);
  const current = change.locator('label', {
    hasText: msg(lang, 'securityInfo.changeDefaultDialog.current'),
  });
  await expect(current).toHaveCount(1);
  await expect(current.getByRole('radio')).toBeChecked();
  await page.screenshot({ path: shot('23-change-default') });
  await change.getByRole('radio', { name: /Jobbtelefonen/ }).check();
  await change.getByTestId('change-default-confirm').click();
  await expect(change).toBeHidden();
  await expect(page.getByTestId('default-method')).toContainText('Jobbtelefonen');
  await expect(apps.nth(1).getByTestId('default-badge')).toBeVisible();

  // Seed 002: a call to another number than the mobile — Erik adds his office phone.
  const call = await startAddMethod(page, lang, 'phoneCall');
  await call.getByTestId('phone-type').selectOption('office');
  // Texts go to the mobile only: for the office phone the one way is a call.
  await expect(call.getByRole('button', { name: msg(lang, 'phone.number.text') })).toHaveCount(0);
  await call.getByLabel(msg(lang, 'phone.number.label')).fill('08-123 456 78');
  await page.screenshot({ path: shot('25-office-phone') });
  await call.getByRole('button', { name: msg(lang, 'phone.number.call') }).click();
  await call.getByLabel(msg(lang, 'enroll.codeLabel')).fill(await codeFromDemoOutbox(call));
  await call.getByRole('button', { name: msg(lang, 'enroll.verify') }).click();
  await call.getByRole('button', { name: msg(lang, 'common.done'), exact: true }).click();
  const calls = methodRows(page, lang, 'phoneCall');
  await expect(calls).toHaveCount(2);
  await expect(calls.nth(1)).toContainText(`(${msg(lang, 'phone.type.officeShort')})`);
  await page.screenshot({ path: shot('26-office-phone-listed'), fullPage: true });

  // Lars has a token waiting: offered, activated under his own name for it.
  const demoToken = DEMO_OATH_TOKENS.find((t) => t.upn.startsWith('lars.nilsson'));
  if (!demoToken) throw new Error('demo token missing');
  await openPerson(page, station, 'Lars Nilsson', lang, 'wizard.title');
  await page.getByRole('button', { name: msg(lang, 'wizard.later') }).click();
  expect(await offeredKinds(page, lang)).toContain(token);
  const oath = await startAddMethod(page, lang, 'hardwareToken');
  await expect(oath.getByTestId('oath-none-waiting')).toHaveCount(0);
  await oath.getByLabel(msg(lang, 'oath.serial')).fill(demoToken.serial);
  await oath.getByLabel(msg(lang, 'oath.code')).fill(
    new TOTP({
      secret: Secret.fromBase32(demoToken.secretBase32),
      period: demoToken.period,
      digits: 6,
      algorithm: 'SHA1',
    }).generate(),
  );
  await oath.getByLabel(msg(lang, 'oath.name.label')).fill('Nyckelknippan');
  await oath.getByRole('button', { name: msg(lang, 'oath.activate') }).click();
  await oath.getByRole('button', { name: msg(lang, 'common.done'), exact: true }).click();
  await expect(methodRows(page, lang, 'hardwareToken')).toContainText(
    `Nyckelknippan (${demoToken.serial})`,
  );
  // Activated: no token waits for him any more, so none is offered.
  expect(await offeredKinds(page, lang)).not.toContain(token);
  await page.screenshot({ path: shot('24-token-named'), fullPage: true });
});

test('"Done" is one word in each language, matching the seeds', () => {
  expect(msg('sv', 'common.done')).toBe('Klar');
  expect(msg('sv', 'wizard.done')).toBe(msg('sv', 'common.done'));
  expect(msg('en', 'wizard.done')).toBe(msg('en', 'common.done'));
  expect(msg('sv', 'kiosk.session.wizardTitle')).toBe(msg('sv', 'wizard.title'));
  expect(msg('en', 'kiosk.session.wizardTitle')).toBe(msg('en', 'wizard.title'));
});
