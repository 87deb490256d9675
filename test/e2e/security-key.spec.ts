/**
 * The security key flow (DESIGN.md §3.3) end to end: the real renderer in Chromium, the real station
 * in browser mode, the station's in-process virtual key (demo mode), a fresh data dir per test.
 * Every error of DESIGN.md §3.3 that a person can cause at the desk is driven here through the UI
 * and the demo virtual-key controls (remove, re-insert, no touch).
 */
import { expect, startStation, test } from './station';
import { methodRows, msg, startAddMethod, type Lang } from './methods-support';
import {
  PIN,
  chooseKey,
  openPerson,
  createPin,
  expectAccessible,
  enterPin,
  keyError,
  registerKey,
  toPinStep,
  touchVirtualKey,
  virtualPanel,
  waitForTouchPrompt,
} from './security-key-support';

for (const lang of ['sv', 'en'] as const) {
  test(`add a security key end to end: insert → info → PIN → touch → name → test sign-in (${lang})`, async ({
    page,
    station,
  }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openPerson(page, station, 'María García', lang);
    const before = await methodRows(page, lang, 'securityKey').count();
    const dialog = await startAddMethod(page, lang, 'securityKey');
    // Focus moves to each step's heading.
    await expect(
      dialog.getByRole('heading', { level: 3, name: msg(lang, 'securityKey.insert.title') }),
    ).toBeFocused();
    await page.screenshot({ path: `test/artifacts/security-key-${lang}-01-insert.png` });
    await expectAccessible(page, '01-insert');

    // Key info: the model from the AAGUID (the virtual key is labelled as such), no PIN yet.
    const info = async () => {
      await expect(dialog.getByTestId('key-model')).toHaveText(
        msg(lang, 'securityInfo.virtualKey'),
      );
      await expect(dialog.getByTestId('key-pin-state')).toHaveText(
        msg(lang, 'securityKey.info.pinNotSet'),
      );
      await expect(dialog.getByTestId('key-standards')).toContainText('CTAP 2.1');
    };
    await chooseKey(dialog, lang);
    await info();
    await page.screenshot({ path: `test/artifacts/security-key-${lang}-02-key-info.png` });
    await expectAccessible(page, '02-key-info');
    await toPinStep(dialog, lang);

    // The PIN policy is shown live: a trivial PIN fails the rule, and the station refuses it.
    const rules = dialog.getByTestId('pin-rules');
    await dialog.getByTestId('pin-input').fill('123456');
    await expect(rules.locator('.ks-pin-rule--ok')).toHaveCount(1);
    await dialog.getByTestId('pin-input').fill(PIN);
    await dialog.getByTestId('pin-confirm').fill(PIN);
    await expect(rules.locator('.ks-pin-rule--ok')).toHaveCount(3);
    await page.screenshot({ path: `test/artifacts/security-key-${lang}-03-pin.png` });
    await expectAccessible(page, '03-pin');
    await dialog.getByRole('button', { name: msg(lang, 'common.next') }).click();

    await waitForTouchPrompt(dialog, lang);
    await expect(dialog.getByTestId('touch-status')).toHaveAttribute('aria-live', 'polite');
    await page.screenshot({ path: `test/artifacts/security-key-${lang}-04-touch.png` });
    await expectAccessible(page, '04-touch');
    // Dark theme (follows the system): same step, readable, contrast checked by axe.
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await page.screenshot({ path: `test/artifacts/security-key-${lang}-04-touch-dark.png` });
    await expectAccessible(page, '04-touch-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await touchVirtualKey(dialog, lang);
    await expect(
      dialog.getByRole('heading', { level: 3, name: msg(lang, 'securityKey.name.title') }),
    ).toBeFocused();
    await dialog.getByLabel(msg(lang, 'securityKey.name.label')).fill('Blå nyckeln');
    await page.screenshot({ path: `test/artifacts/security-key-${lang}-05-name.png` });
    await expectAccessible(page, '05-name');
    await dialog.getByRole('button', { name: msg(lang, 'common.next') }).click();
    await waitForTouchPrompt(dialog, lang);
    await expect(
      dialog.getByRole('heading', { level: 3, name: msg(lang, 'securityKey.touch.testTitle') }),
    ).toBeVisible();
    await page.screenshot({ path: `test/artifacts/security-key-${lang}-06-test-sign-in.png` });
    await expectAccessible(page, '06-test-sign-in');
    await touchVirtualKey(dialog, lang);
    await expect(
      dialog.getByRole('heading', { level: 3, name: msg(lang, 'securityKey.done.title') }),
    ).toBeFocused();
    await page.screenshot({ path: `test/artifacts/security-key-${lang}-07-done.png` });
    await expectAccessible(page, '07-done');
    await dialog.getByRole('button', { name: msg(lang, 'common.done') }).click();
    await expect(dialog).toBeHidden();

    // Listed with its name and model, dated today in the page's language.
    const rows = methodRows(page, lang, 'securityKey');
    await expect(rows).toHaveCount(before + 1);
    const row = rows.filter({ hasText: 'Blå nyckeln' });
    await expect(row.getByRole('cell').first()).toHaveText(
      `Blå nyckeln${msg(lang, 'securityInfo.virtualKey')}`,
    );
    const today = new Intl.DateTimeFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', {
      dateStyle: 'medium',
      timeZone: 'Europe/Stockholm',
    }).format(new Date());
    await expect(row.locator('time')).toHaveText(today);
    await page.screenshot({
      path: `test/artifacts/security-key-${lang}-08-listed.png`,
      fullPage: true,
    });
    expect(errors).toEqual([]);
  });

  test(`wrong PIN shows the tries left; three in a row need the key re-inserted; then PIN blocked (${lang})`, async ({
    page,
    station,
  }) => {
    await openPerson(page, station, 'María García', lang);
    // Give the key a PIN, then cancel at "touch your key".
    let dialog = await startAddMethod(page, lang, 'securityKey');
    await chooseKey(dialog, lang);
    await toPinStep(dialog, lang);
    await createPin(dialog, lang);
    await waitForTouchPrompt(dialog, lang);
    await dialog.getByTestId('security-key-cancel').click();
    await expect(dialog).toBeHidden();

    dialog = await startAddMethod(page, lang, 'securityKey');
    await chooseKey(dialog, lang);
    await expect(dialog.getByTestId('key-pin-state')).toHaveText(
      msg(lang, 'securityKey.info.pinSetTries', { count: 8 }),
    );
    await toPinStep(dialog, lang);
    await expect(
      dialog.getByRole('heading', { level: 3, name: msg(lang, 'securityKey.pin.enterTitle') }),
    ).toBeFocused();
    const wrong = async (n: number) => enterPin(dialog, lang, `00000${n}`);
    await wrong(1);
    const pinError = dialog.getByTestId('security-key-pin').getByRole('alert');
    await expect(pinError).toHaveText(
      msg(lang, 'securityKey.errors.securityKey.wrongPinTries', { count: 7 }),
    );
    await page.screenshot({ path: `test/artifacts/security-key-${lang}-10-wrong-pin.png` });
    await wrong(2);
    await expect(pinError).toHaveText(
      msg(lang, 'securityKey.errors.securityKey.wrongPinTries', { count: 6 }),
    );
    await wrong(3);
    // Temporarily blocked: remove and re-insert the key.
    await expect(keyError(dialog)).toContainText(
      msg(lang, 'securityKey.errors.securityKey.pinAuthBlocked'),
    );
    await expect(keyError(dialog)).toContainText(
      msg(lang, 'securityKey.next.securityKey.pinAuthBlocked'),
    );
    await page.screenshot({ path: `test/artifacts/security-key-${lang}-11-pin-auth-blocked.png` });
    await expectAccessible(page, 'pin-auth-blocked');

    const cycle = async () => {
      const panel = await virtualPanel(dialog);
      await panel.getByTestId('virtual-power-cycle').click();
      await dialog
        .getByRole('button', { name: msg(lang, 'securityKey.errorStep.startOver') })
        .click();
      await chooseKey(dialog, lang);
      await toPinStep(dialog, lang);
    };
    await cycle();
    await wrong(4);
    await expect(pinError).toHaveText(
      msg(lang, 'securityKey.errors.securityKey.wrongPinTries', { count: 4 }),
    );
    await wrong(5);
    await expect(pinError).toHaveText(
      msg(lang, 'securityKey.errors.securityKey.wrongPinTries', { count: 3 }),
    );
    await wrong(6);
    await expect(keyError(dialog)).toContainText(
      msg(lang, 'securityKey.errors.securityKey.pinAuthBlocked'),
    );
    await cycle();
    await wrong(7);
    await expect(pinError).toHaveText(
      msg(lang, 'securityKey.errors.securityKey.wrongPinTries', { count: 1 }),
    );
    await wrong(8);
    await expect(keyError(dialog)).toContainText(
      msg(lang, 'securityKey.errors.securityKey.pinBlocked'),
    );
    await expect(keyError(dialog)).toContainText(
      msg(lang, 'securityKey.next.securityKey.pinBlocked'),
    );
    await page.screenshot({ path: `test/artifacts/security-key-${lang}-12-pin-blocked.png` });
    // A blocked key is refused at once the next time too.
    await dialog
      .getByRole('button', { name: msg(lang, 'securityKey.errorStep.startOver') })
      .click();
    await dialog.getByRole('button', { name: msg(lang, 'common.next') }).click();
    await expect(keyError(dialog)).toContainText(
      msg(lang, 'securityKey.errors.securityKey.pinBlocked'),
    );
    // Staff training: the demo panel resets the blocked virtual key (erases PIN and sign-ins).
    page.once('dialog', (d) => void d.accept());
    await (await virtualPanel(dialog)).getByTestId('virtual-reset').click();
    await dialog
      .getByRole('button', { name: msg(lang, 'securityKey.errorStep.startOver') })
      .click();
    await chooseKey(dialog, lang);
    await expect(dialog.getByTestId('key-pin-state')).toHaveText(
      msg(lang, 'securityKey.info.pinNotSet'),
    );
  });
}

const lang: Lang = 'en';

test('key removed mid-way (while waiting for a touch) → message, re-insert, start again', async ({
  page,
  station,
}) => {
  await openPerson(page, station, 'María García', lang);
  const dialog = await startAddMethod(page, lang, 'securityKey');
  await chooseKey(dialog, lang);
  await toPinStep(dialog, lang);
  await createPin(dialog, lang);
  await waitForTouchPrompt(dialog, lang);
  const panel = await virtualPanel(dialog);
  await expect(panel.getByTestId('virtual-key-state')).toContainText(
    msg(lang, 'virtualKey.waiting'),
  );
  await panel.getByTestId('virtual-unplug').click();
  await expect(keyError(dialog)).toContainText(msg(lang, 'securityKey.errors.securityKey.removed'));
  await expect(keyError(dialog)).toContainText(msg(lang, 'securityKey.next.securityKey.removed'));
  await page.screenshot({ path: 'test/artifacts/security-key-en-13-removed.png' });
  await dialog.getByRole('button', { name: msg(lang, 'securityKey.errorStep.startOver') }).click();
  // Nothing inserted: the station waits for a key (hot-plug), then finds it when it comes back.
  await expect(dialog.getByTestId('security-key-devices')).toContainText(
    msg(lang, 'securityKey.insert.waiting'),
  );
  await (await virtualPanel(dialog)).getByTestId('virtual-plug-in').click();
  await chooseKey(dialog, lang);
  await expect(dialog.getByTestId('key-pin-state')).toHaveText(
    msg(lang, 'securityKey.info.pinSetTries', { count: 8 }),
  );
  // Several keys: "choose a key".
  await dialog.getByTestId('security-key-cancel').click();
  const again = await startAddMethod(page, lang, 'securityKey');
  await (
    await virtualPanel(again)
  )
    .getByRole('button', { name: msg(lang, 'virtualKey.add') })
    .click();
  await expect(again.getByRole('radio')).toHaveCount(2);
  await page.screenshot({ path: 'test/artifacts/security-key-en-14-choose-key.png' });
  await chooseKey(again, lang, 2);
  await expect(again.getByTestId('key-pin-state')).toHaveText(
    msg(lang, 'securityKey.info.pinNotSet'),
  );
});

test('cancel during "Touch your security key" really stops the key; nothing is stored', async ({
  page,
  station,
}) => {
  await openPerson(page, station, 'María García', lang);
  const before = await methodRows(page, lang, 'securityKey').count();
  let dialog = await startAddMethod(page, lang, 'securityKey');
  await chooseKey(dialog, lang);
  await toPinStep(dialog, lang);
  await createPin(dialog, lang);
  await waitForTouchPrompt(dialog, lang);
  await dialog.getByTestId('security-key-cancel').click();
  await expect(dialog).toBeHidden();
  // The key no longer waits for a touch (CTAPHID CANCEL reached it).
  dialog = await startAddMethod(page, lang, 'securityKey');
  const panel = await virtualPanel(dialog);
  await expect(panel.getByTestId('virtual-key-state')).not.toContainText(
    msg(lang, 'virtualKey.waiting'),
  );
  await expect(panel.getByTestId('virtual-key-state')).toContainText(
    msg(lang, 'virtualKey.credentials', { count: 0 }),
  );
  // Escape closes the dialog and cancels too, at the PIN step.
  await chooseKey(dialog, lang);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(methodRows(page, lang, 'securityKey')).toHaveCount(before);
});

test('touch timeout → "wasn\'t touched in time" → Try again works', async ({ page }) => {
  process.env.KEYSTATION_VIRTUAL_KEY_TOUCH_TIMEOUT_MS = '2500';
  const station = await startStation();
  delete process.env.KEYSTATION_VIRTUAL_KEY_TOUCH_TIMEOUT_MS;
  try {
    await openPerson(page, station, 'María García', lang);
    const dialog = await startAddMethod(page, lang, 'securityKey');
    await chooseKey(dialog, lang);
    await toPinStep(dialog, lang);
    await createPin(dialog, lang);
    await waitForTouchPrompt(dialog, lang);
    await expect(keyError(dialog)).toContainText(
      msg(lang, 'securityKey.errors.securityKey.timeout'),
    );
    await expect(keyError(dialog)).toContainText(msg(lang, 'securityKey.next.securityKey.timeout'));
    await page.screenshot({ path: 'test/artifacts/security-key-en-15-timeout.png' });
    await dialog.getByRole('button', { name: msg(lang, 'common.retry') }).click();
    await touchVirtualKey(dialog, lang);
    await expect(
      dialog.getByRole('heading', { level: 3, name: msg(lang, 'securityKey.name.title') }),
    ).toBeFocused();
  } finally {
    await station.stop();
  }
});

test('the same key again for the same person → "already registered"', async ({ page, station }) => {
  await openPerson(page, station, 'María García', lang);
  let dialog = await startAddMethod(page, lang, 'securityKey');
  await registerKey(page, dialog, lang, 'First');
  await dialog.getByRole('button', { name: msg(lang, 'common.done') }).click();
  dialog = await startAddMethod(page, lang, 'securityKey');
  await chooseKey(dialog, lang);
  await toPinStep(dialog, lang);
  await enterPin(dialog, lang, PIN);
  // CTAP 2.1 §6.1.2: an excluded credential is reported after a touch.
  const touch = dialog.getByTestId('virtual-touch');
  await expect(keyError(dialog).or(touch)).toBeVisible();
  if (await touch.isVisible()) await touch.click();
  await expect(keyError(dialog)).toContainText(
    msg(lang, 'securityKey.errors.securityKey.alreadyRegistered', { person: 'María García' }),
  );
  await page.screenshot({ path: 'test/artifacts/security-key-en-16-already-registered.png' });
});

test('keyboard only: add a security key without the mouse', async ({ page, station }) => {
  await openPerson(page, station, 'María García', lang);
  /** Tab until the focused element's text or label is `name` (fails after 40 presses). */
  const tabTo = async (name: string) => {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLInputElement | null;
        const label = el?.labels?.[0]?.innerText;
        return (el?.getAttribute('aria-label') ?? label ?? el?.innerText ?? '').trim();
      });
      if (focused === name) return;
    }
    throw new Error(`could not Tab to "${name}"`);
  };
  await tabTo(msg(lang, 'securityInfo.addMethod'));
  await page.keyboard.press('Enter');
  const chooser = page.getByRole('dialog', { name: msg(lang, 'securityInfo.addMethod') });
  await expect(chooser).toBeVisible();
  // Radios: Tab into the group, arrow keys move and select.
  await tabTo(msg(lang, 'methods.kind.securityKey'));
  await page.keyboard.press('Space');
  await tabTo(msg(lang, 'securityInfo.addDialog.add'));
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: msg(lang, 'methods.kind.securityKey') });
  await expect(
    dialog.getByRole('heading', { level: 3, name: msg(lang, 'securityKey.insert.title') }),
  ).toBeFocused();
  await expect(dialog.getByTestId('security-key-devices')).toContainText(
    msg(lang, 'securityInfo.virtualKey'),
  );
  await tabTo(msg(lang, 'common.next'));
  await page.keyboard.press('Enter');
  await expect(
    dialog.getByRole('heading', { level: 3, name: msg(lang, 'securityKey.info.title') }),
  ).toBeFocused();
  await tabTo(msg(lang, 'common.next'));
  await page.keyboard.press('Enter');
  await expect(
    dialog.getByRole('heading', { level: 3, name: msg(lang, 'securityKey.pin.createTitle') }),
  ).toBeFocused();
  await page.keyboard.press('Tab'); // heading → PIN field
  await expect(dialog.getByTestId('pin-input')).toBeFocused();
  await page.keyboard.type(PIN);
  await page.keyboard.press('Tab');
  await expect(dialog.getByTestId('pin-confirm')).toBeFocused();
  await page.keyboard.type(PIN);
  await page.keyboard.press('Enter'); // submits the step's form
  await waitForTouchPrompt(dialog, lang);
  await tabTo(msg(lang, 'securityKey.touch.virtualTouch'));
  await page.keyboard.press('Enter');
  await expect(
    dialog.getByRole('heading', { level: 3, name: msg(lang, 'securityKey.name.title') }),
  ).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(dialog.getByTestId('key-name-input')).toBeFocused();
  await page.keyboard.type('Keyboard key');
  await page.keyboard.press('Enter');
  await waitForTouchPrompt(dialog, lang);
  await tabTo(msg(lang, 'securityKey.touch.virtualTouch'));
  await page.keyboard.press('Enter');
  await expect(
    dialog.getByRole('heading', { level: 3, name: msg(lang, 'securityKey.done.title') }),
  ).toBeFocused();
  await tabTo(msg(lang, 'common.done'));
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(
    methodRows(page, lang, 'securityKey').filter({ hasText: 'Keyboard key' }),
  ).toHaveCount(1);
});
