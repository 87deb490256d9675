/**
 * "Kan inte komma åt ditt konto?" and returning people's sign-in end to end (DESIGN.md §3.9): the
 * real renderer in Chromium against the real station in browser mode (demo people, the
 * in-process virtual key, no identity provider link).
 *
 * Desk, Swedish and English: the three refusals in the reset portal's words, the station's
 * offline message, "Kontakta en administratör" → the request in the operator console.
 * Kiosk: a returning person signs in with the virtual key and lands on Security info; with a
 * two-factor policy the key alone is not enough; wrong codes lock the user ID.
 * (The password set at the provider is tested against the test provider in
 * test/integration/idp/passwordReset.test.ts.)
 */
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import WebSocket from 'ws';
import { expect, test, type RunningStation } from './station';
import { msg, startAddMethod, type Lang } from './methods-support';
import { openPerson, PIN, registerKey } from './security-key-support';

const DOMAIN = 'demo.keystation.local';
const OPERATOR = { username: 'rita.reset', password: 'korrekt-häst-batteri-9' };
const shot = (name: string) => join('test', 'artifacts', `password-reset-${name}.png`);

/** One contract call over the browser host's WebSocket. */
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

async function setUp(station: RunningStation): Promise<void> {
  const r = await contractCall(station, 'operator.setup', {
    username: OPERATOR.username,
    displayName: 'Rita Reset',
    password: OPERATOR.password,
    mode: 'demo',
    organizationName: 'Demo Organization',
    rpId: DOMAIN,
    rpName: 'Demo Organization',
    requiredCount: 2,
    requireSecurityKey: true,
    kioskIdleSeconds: 300,
  });
  expect(r.ok, JSON.stringify(r)).toBe(true);
}

async function chooseLanguage(page: Page, station: RunningStation, lang: Lang): Promise<void> {
  await page.goto(station.url);
  const select = page.getByTestId('language-select');
  await expect(async () => {
    await select.selectOption(lang);
    await expect(page.locator('html')).toHaveAttribute('lang', lang, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
}

async function typeUserId(page: Page, lang: Lang, upn: string): Promise<void> {
  await page.getByLabel(msg(lang, 'reset.upn')).fill(upn);
  await page.getByRole('button', { name: msg(lang, 'reset.next') }).click();
}

for (const lang of ['sv', 'en'] as const) {
  test(`desk: the three refusals, offline, "contact an administrator" in the console (${lang})`, async ({
    page,
    station,
  }) => {
    await setUp(station);
    await contractCall(station, 'operator.signOut', {});
    await chooseLanguage(page, station, lang);
    const link = page.getByRole('button', { name: msg(lang, 'reset.link') });
    const outcome = page.getByTestId('reset-outcome');
    const close = page.getByRole('button', { name: msg(lang, 'reset.close') });

    // 1. The password is managed elsewhere.
    await link.click();
    await typeUserId(page, lang, `sara.lindqvist@${DOMAIN}`);
    await expect(outcome).toHaveAttribute('data-outcome', 'passwordNotManaged');
    await expect(outcome).toContainText(msg(lang, 'reset.outcome.passwordNotManaged.title'));
    for (const line of msg(lang, 'reset.outcome.passwordNotManaged.lines').split('\n'))
      await expect(outcome).toContainText(line);
    await expect(page.getByRole('button', { name: msg(lang, 'reset.contactAdmin') })).toHaveCount(
      0,
    );
    await page.screenshot({ path: shot(`${lang}-1-not-managed`) });
    await close.click();

    // 2. Not enabled for password reset → "Kontakta en administratör".
    await link.click();
    await typeUserId(page, lang, `oskar.ek@${DOMAIN}`);
    await expect(outcome).toHaveAttribute('data-outcome', 'notEnabled');
    for (const line of [
      msg(lang, 'reset.outcome.notEnabled.title'),
      ...msg(lang, 'reset.outcome.notEnabled.lines').split('\n'),
    ])
      await expect(outcome).toContainText(line);
    await page.getByRole('button', { name: msg(lang, 'reset.contactAdmin') }).click();
    await expect(page.getByTestId('reset-contact-sent')).toHaveText(msg(lang, 'reset.contactSent'));
    await page.screenshot({ path: shot(`${lang}-2-not-enabled`) });
    await close.click();

    // 3. Enabled but not registered — and an unknown ID reads exactly the same.
    for (const upn of [`lars.nilsson@${DOMAIN}`, `nobody.here@${DOMAIN}`]) {
      await link.click();
      await typeUserId(page, lang, upn);
      await expect(outcome).toHaveAttribute('data-outcome', 'notRegistered');
      await expect(outcome).toContainText(msg(lang, 'reset.outcome.notRegistered.title'));
      await expect(outcome).toContainText(msg(lang, 'reset.outcome.notRegistered.lines'));
      await expect(
        page.getByRole('button', { name: msg(lang, 'reset.contactAdmin') }),
      ).toBeVisible();
      await close.click();
    }
    await page.screenshot({ path: shot(`${lang}-3-not-registered`) });

    // A ready person at a station without its provider connection: reset needs it.
    await link.click();
    await typeUserId(page, lang, `anna.svensson@${DOMAIN}`);
    await expect(outcome).toHaveAttribute('data-outcome', 'offline');
    await expect(outcome).toContainText(msg(lang, 'reset.outcome.offline.title'));
    await page.getByRole('button', { name: msg(lang, 'reset.contactAdmin') }).click();
    await expect(page.getByTestId('reset-contact-sent')).toBeVisible();
    await page.screenshot({ path: shot(`${lang}-4-offline`) });
    await close.click();

    // The operator sees both requests: who, when, which station, what failed.
    await page.getByRole('radio', { name: msg(lang, 'operator.signIn.withPassword') }).check();
    await page.getByLabel(msg(lang, 'operator.signIn.username')).fill(OPERATOR.username);
    await page
      .getByRole('textbox', { name: msg(lang, 'operator.signIn.password') })
      .fill(OPERATOR.password);
    await page.getByRole('button', { name: msg(lang, 'operator.signIn.submit') }).click();
    const requests = page.getByTestId('admin-requests');
    await expect(requests.getByTestId('admin-request')).toHaveCount(2);
    await expect(requests).toContainText(`oskar.ek@${DOMAIN}`);
    await expect(requests).toContainText(msg(lang, 'reset.outcome.notEnabled.title'));
    await expect(requests).toContainText(`anna.svensson@${DOMAIN}`);
    await expect(requests).toContainText(msg(lang, 'reset.outcome.offline.title'));
    await page.screenshot({ path: shot(`${lang}-5-console`), fullPage: true });
  });
}

test('kiosk: a returning person signs in with the virtual key; two factors needed → the key alone is not enough; wrong codes lock the ID', async ({
  page,
  station,
}) => {
  const lang = 'sv' as const;
  // María registers a key on the station's virtual key (the desk flow, open demo station).
  await openPerson(page, station, 'María García', lang);
  const dialog = await startAddMethod(page, lang, 'securityKey');
  await registerKey(page, dialog, lang, 'Marías nyckel');
  await dialog.getByRole('button', { name: msg(lang, 'common.done') }).click();
  await setUp(station);
  expect((await contractCall(station, 'kiosk.start', {})).ok).toBe(true);
  await page.goto(station.url);
  await expect(
    page.getByRole('heading', { level: 1, name: msg(lang, 'kiosk.welcome.title') }),
  ).toBeVisible();

  const signInWithKey = async () => {
    await page.getByRole('button', { name: msg(lang, 'reset.signInLink') }).click();
    await typeUserId(page, lang, `maria.garcia@${DOMAIN}`);
    await page.getByTestId('reset-method-securityKey').first().click();
    await page.getByLabel(msg(lang, 'reset.pin')).fill(PIN);
    await page.getByRole('button', { name: msg(lang, 'reset.verifyKey') }).click();
    await page.getByTestId('operator-virtual-touch').click();
  };

  // Key alone is enough (the default policy): Security info.
  await signInWithKey();
  await expect(page.getByTestId('kiosk-person')).toContainText('María García');
  await expect(
    page.getByRole('heading', { level: 1, name: msg(lang, 'securityInfo.title') }),
  ).toBeVisible();
  await page.screenshot({ path: shot('kiosk-1-security-info') });
  await page.getByRole('button', { name: msg(lang, 'kiosk.session.done') }).click();
  await page.getByRole('button', { name: msg(lang, 'kiosk.done.next') }).click();

  // Two factors: after the key the person is asked for a second method, not signed in.
  const unlock = await contractCall(station, 'kiosk.unlockWithPassword', OPERATOR);
  expect(unlock.ok).toBe(true);
  const policy = (await contractCall(station, 'policy.get', {})).value as Record<string, unknown>;
  expect(
    (
      await contractCall(station, 'policy.update', {
        policy: { ...policy, signIn: { returning: 'twoFactors' } },
      })
    ).ok,
  ).toBe(true);
  expect((await contractCall(station, 'kiosk.start', {})).ok).toBe(true);
  await page.goto(station.url);
  await signInWithKey();
  await expect(page.getByTestId('reset-verify')).toContainText(
    msg(lang, 'reset.step', { n: 2, total: 2 }),
  );
  await expect(page.getByTestId('kiosk-person')).toHaveCount(0);
  const status = await contractCall(station, 'operator.status', {});
  expect((status.value as { role: string }).role).toBe('nobody');
  await page.screenshot({ path: shot('kiosk-2-two-factors') });
  await page.getByRole('button', { name: msg(lang, 'reset.cancel') }).click();

  // Wrong app codes lock the user ID.
  await page.getByRole('button', { name: msg(lang, 'reset.signInLink') }).click();
  await typeUserId(page, lang, `erik.johansson@${DOMAIN}`);
  await page.getByTestId('reset-method-authenticatorApp').click();
  const codeField = page.getByLabel(msg(lang, 'reset.appCode'));
  const error = page.getByTestId('reset-error');
  for (let i = 0; i < 5; i++) {
    await codeField.fill(String(100000 + i * 7919));
    await page.getByRole('button', { name: msg(lang, 'reset.verify') }).click();
    await expect(error).toBeVisible();
    if (i < 4) await expect(error).toHaveText(/.+/);
  }
  await expect(error).toContainText(
    msg(lang, 'errors.station.reset.locked', { minutes: 30 }).slice(0, 40),
  );
  await expect(page.getByRole('button', { name: msg(lang, 'reset.contactAdmin') })).toBeVisible();
  await page.screenshot({ path: shot('kiosk-3-locked') });
});
