/**
 * The key manager and the person's security-key flow against each virtual-key profile
 * (docs/KEYS.md): the station's demo keys behave like a CTAP 2.1, 2.1-preview, 2.0, U2F-only,
 * fingerprint or FIPS-style key. Each flow succeeds or gives the key's own message; a `bio`
 * key enrolls a fingerprint; with two keys plugged in "touch the key you want" picks the
 * touched one. Screenshots: test/artifacts/key-manager-*.png.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, startStation, test, type RunningStation } from './station';
import { msg, startAddMethod } from './methods-support';
import {
  PIN,
  chooseKey,
  keyError,
  openPerson,
  registerKey,
  toPinStep,
  virtualPanel,
} from './security-key-support';

const lang = 'en' as const;
const shot = (name: string) => `test/artifacts/key-manager-${name}.png`;

async function withStation(
  profiles: string,
  body: (station: RunningStation) => Promise<void>,
): Promise<void> {
  const station = await startStation(['--demo'], { KEYSTATION_VIRTUAL_KEY_PROFILES: profiles });
  try {
    await body(station);
  } finally {
    await station.stop();
  }
}

async function openKeyManager(page: Page, station: RunningStation): Promise<Locator> {
  await page.goto(`${station.url}#/operator/keys`);
  const select = page.getByTestId('language-select');
  await expect(async () => {
    await select.selectOption(lang);
    await expect(page.locator('html')).toHaveAttribute('lang', lang, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(
    page.getByRole('heading', { level: 1, name: msg(lang, 'operator.keys.title') }),
  ).toBeVisible();
  return page.locator('main');
}

/** The demo panel's "touch" for the key it shows, once that key waits for a touch. */
async function touchDemoKey(scope: Locator): Promise<void> {
  const panel = await virtualPanel(scope);
  const button = panel.getByRole('button', { name: msg(lang, 'virtualKey.touch'), exact: true });
  await expect(button).not.toHaveAttribute('aria-disabled', 'true', { timeout: 20_000 });
  await button.click();
}

/** The person's flow from "add method" to the key info page (or the error it stops with). */
async function personFlowToInfo(page: Page, station: RunningStation): Promise<Locator> {
  await openPerson(page, station, 'María García', lang);
  const dialog = await startAddMethod(page, lang, 'securityKey');
  await chooseKeyOrError(dialog);
  return dialog;
}

async function chooseKeyOrError(dialog: Locator): Promise<void> {
  await expect(
    dialog.getByRole('heading', { level: 3, name: msg(lang, 'securityKey.insert.title') }),
  ).toBeVisible();
  const devices = dialog.getByTestId('security-key-devices');
  await expect(devices).toContainText(msg(lang, 'securityInfo.virtualKey'));
  await dialog.getByRole('button', { name: msg(lang, 'common.next') }).click();
}

test.describe.configure({ mode: 'serial' });

test('u2f: the key manager and the person flow say "this key only supports U2F"', async ({
  page,
}) => {
  await withStation('u2f', async (station) => {
    const main = await openKeyManager(page, station);
    await expect(main.getByTestId('key-problem')).toHaveText(
      msg(lang, 'errors.transport.u2f-only'),
    );
    await page.screenshot({ path: shot('u2f-manager') });
    const dialog = await personFlowToInfo(page, station);
    await expect(keyError(dialog)).toContainText(msg(lang, 'errors.transport.u2f-only'));
    await page.screenshot({ path: shot('u2f-person') });
  });
});

for (const profile of ['ctap21', 'ctap21pre', 'ctap20', 'bio'] as const) {
  test(`${profile}: the person's flow registers the key, the key manager shows it and its PIN`, async ({
    page,
  }) => {
    await withStation(profile, async (station) => {
      await openPerson(page, station, 'María García', lang);
      const dialog = await startAddMethod(page, lang, 'securityKey');
      await registerKey(page, dialog, lang, `Key ${profile}`, {
        screenshots: `key-manager-${profile}`,
      });
      const main = await openKeyManager(page, station);
      const details = main.getByTestId('key-details');
      await expect(details).toContainText('Keystation Virtual Key');
      await expect(main.getByTestId('key-facts')).toContainText(
        msg(lang, 'operator.keys.pinSet', { retries: 8 }),
      );
      await main.getByTestId('key-pin').fill(PIN);
      if (profile === 'ctap20') {
        await expect(details).toContainText(msg(lang, 'operator.keys.noCredentialManagement'));
      } else {
        await main.getByTestId('show-credentials').click();
        await expect(main.getByTestId('credential-owner')).toContainText('María García');
        await expect(main.getByTestId('credential-owner')).toContainText(`Key ${profile}`);
      }
      await page.screenshot({ path: shot(`${profile}-manager`), fullPage: true });
    });
  });
}

test('fips: the key refuses a simple PIN with its own rules, in the person flow and the manager', async ({
  page,
}) => {
  await withStation('fips', async (station) => {
    const main = await openKeyManager(page, station);
    await expect(main.getByTestId('key-facts')).toContainText(
      msg(lang, 'operator.keys.pinRulesValue', { min: 8, max: 32 }),
    );
    const form = main.getByTestId('pin-form');
    await form.getByLabel(msg(lang, 'operator.keys.newPin'), { exact: true }).fill('11223344');
    await form.getByLabel(msg(lang, 'operator.keys.confirmPin')).fill('11223344');
    await form.getByRole('button', { name: msg(lang, 'operator.keys.setPin') }).click();
    await expect(main.getByTestId('key-outcome-error')).toHaveText(
      msg(lang, 'errors.station.securityKey.keyPinRules'),
    );
    await page.screenshot({ path: shot('fips-manager'), fullPage: true });
    await openPerson(page, station, 'María García', lang);
    const dialog = await startAddMethod(page, lang, 'securityKey');
    await chooseKey(dialog, lang);
    await toPinStep(dialog, lang);
    await dialog.getByTestId('pin-input').fill('11223344');
    await dialog.getByTestId('pin-confirm').fill('11223344');
    await dialog.getByRole('button', { name: msg(lang, 'common.next') }).click();
    await expect(dialog).toContainText(msg(lang, 'errors.station.securityKey.keyPinRules'));
    await page.screenshot({ path: shot('fips-person') });
  });
});

test('bio: the key manager enrolls a fingerprint sample by sample', async ({ page }) => {
  await withStation('bio', async (station) => {
    const main = await openKeyManager(page, station);
    const form = main.getByTestId('pin-form');
    await form.getByLabel(msg(lang, 'operator.keys.newPin'), { exact: true }).fill(PIN);
    await form.getByLabel(msg(lang, 'operator.keys.confirmPin')).fill(PIN);
    await form.getByRole('button', { name: msg(lang, 'operator.keys.setPin') }).click();
    await expect(main.getByTestId('key-outcome')).toHaveText(msg(lang, 'operator.keys.pinCreated'));
    await main.getByTestId('key-pin').fill(PIN);
    await main.getByLabel(msg(lang, 'operator.keys.fingerprintName')).fill('Right thumb');
    await main.getByTestId('enroll-fingerprint').click();
    await expect(main.getByTestId('fingerprint-status')).toHaveText(
      msg(lang, 'operator.keys.touchSensor'),
    );
    await touchDemoKey(main);
    await expect(main.getByTestId('fingerprint-status')).toContainText(
      msg(lang, 'operator.keys.feedback.good'),
    );
    await expect(main.getByTestId('fingerprint-status')).toContainText(/\(1 of \d\)/);
    await page.screenshot({ path: shot('bio-sample'), fullPage: true });
    // The remaining samples, one touch each, until the key says done.
    await expect(async () => {
      const panel = await virtualPanel(main);
      const button = panel.getByRole('button', {
        name: msg(lang, 'virtualKey.touch'),
        exact: true,
      });
      if ((await button.getAttribute('aria-disabled')) !== 'true') await button.click();
      await expect(main.getByTestId('fingerprint-status')).toBeHidden({ timeout: 1000 });
    }).toPass({ timeout: 30_000 });
    await expect(
      main.getByTestId('key-outcome').filter({
        hasText: msg(lang, 'operator.keys.fingerprintAdded'),
      }),
    ).toBeVisible();
    await expect(main.getByTestId('fingerprint-name')).toHaveText('Right thumb');
    await page.screenshot({ path: shot('bio-enrolled'), fullPage: true });
  });
});

test('two keys: labelled by model, firmware and index; touching one chooses it', async ({
  page,
}) => {
  await withStation('ctap21,ctap20', async (station) => {
    const main = await openKeyManager(page, station);
    const panel = await virtualPanel(main);
    await panel.getByRole('button', { name: msg(lang, 'virtualKey.add') }).click();
    const labels = main.getByTestId('key-label');
    await expect(labels).toHaveCount(2);
    await expect(labels.nth(0)).toContainText('#1');
    await expect(labels.nth(1)).toContainText('#2');
    await expect(labels.nth(1)).toContainText('Keystation Virtual Key');
    await main.getByTestId('touch-to-choose').click();
    await expect(main.getByTestId('choose-status')).toHaveText(
      msg(lang, 'operator.keys.touchTheOne'),
    );
    await page.screenshot({ path: shot('two-keys-touch'), fullPage: true });
    // Touch key 2 through the station's demo control for that key.
    await touchKeyById(station, 'virtual-2');
    await expect(main.getByRole('radio').nth(1)).toBeChecked();
    await expect(main.getByTestId('key-details')).toBeVisible();
    await page.screenshot({ path: shot('two-keys-chosen'), fullPage: true });
  });
});

/**
 * Touch one demo key by id over the contract (what the panel's button does for key N): as soon
 * as the station says that key waits for a touch (`virtualKey.changed`), never after a sleep.
 */
async function touchKeyById(station: RunningStation, deviceId: string): Promise<void> {
  const { default: WebSocket } = await import('ws');
  const url = new URL(station.url);
  const ws = new WebSocket(
    `ws://${url.host}/api?token=${encodeURIComponent(url.searchParams.get('token') ?? '')}`,
    { headers: { Origin: url.origin } },
  );
  type Status = { deviceId: string; waitingForTouch: boolean };
  let nextId = 0;
  const replies = new Map<number, (result: unknown) => void>();
  let onWaiting: (() => void) | undefined;
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as {
      id?: number;
      result?: unknown;
      event?: string;
      payload?: { keys?: Status[] };
    };
    if (m.id !== undefined) replies.get(m.id)?.(m.result);
    if (
      m.event === 'virtualKey.changed' &&
      m.payload?.keys?.some((k) => k.deviceId === deviceId && k.waitingForTouch)
    )
      onWaiting?.();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const call = <T>(name: string, args: object) =>
    new Promise<{ ok: boolean; value?: T }>((resolve) => {
      const id = ++nextId;
      replies.set(id, resolve as (r: unknown) => void);
      ws.send(JSON.stringify({ id, call: `ks:virtualKey.${name}`, args }));
    });
  try {
    const waiting = new Promise<void>((resolve) => (onWaiting = resolve));
    // The key may be waiting already (its event came before this socket): ask once first.
    const list = await call<{ keys: Status[] }>('list', {});
    if (!list.value?.keys.some((k) => k.deviceId === deviceId && k.waitingForTouch)) await waiting;
    const r = await call<{ touched: boolean }>('touch', { deviceId });
    if (!r.ok || !r.value?.touched) throw new Error(`${deviceId} was not waiting for a touch`);
  } finally {
    ws.close();
  }
}
