/**
 * A key that demands a new PIN (DESIGN.md §2 "force the person to change a PIN the operator set";
 * CTAP 2.1 getInfo forcePINChange, §6.5.5.6 changePIN) end to end: the real renderer in
 * Chromium, the real station in browser mode, the demo virtual key. The key gets a PIN through
 * the flow, then the demo panel's "Require a new PIN" sets forcePINChange (as an operator-set
 * PIN under the force-change policy does); the next enrollment must change it first.
 */
import { expect, test } from './station';
import { methodRows, msg, startAddMethod, type Lang } from './methods-support';
import {
  PIN,
  chooseKey,
  createPin,
  expectAccessible,
  openPerson,
  toPinStep,
  touchVirtualKey,
  virtualPanel,
  waitForTouchPrompt,
} from './security-key-support';

const NEW_PIN = '739146';

for (const lang of ['sv', 'en'] as const satisfies readonly Lang[]) {
  test(`a key that demands a new PIN: change it (wrong current PIN, same PIN refused), then register (${lang})`, async ({
    page,
    station,
  }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const shot = (name: string) =>
      page.screenshot({ path: `test/artifacts/security-key-change-pin-${lang}-${name}.png` });
    await openPerson(page, station, 'María García', lang);
    const before = await methodRows(page, lang, 'securityKey').count();

    // Give the key a PIN, then cancel at "touch your key".
    let dialog = await startAddMethod(page, lang, 'securityKey');
    await chooseKey(dialog, lang);
    await toPinStep(dialog, lang);
    await createPin(dialog, lang);
    await waitForTouchPrompt(dialog, lang);
    await dialog.getByTestId('security-key-cancel').click();
    await expect(dialog).toBeHidden();

    // The trainer makes the key demand a new PIN (demo panel under the insert step).
    dialog = await startAddMethod(page, lang, 'securityKey');
    const panel = await virtualPanel(dialog);
    await panel.getByTestId('virtual-force-pin-change').click();
    await expect(panel).toContainText(msg(lang, 'securityKey.changePin.demoMustChange'));
    await chooseKey(dialog, lang);

    // Key info says so, and what comes next.
    await expect(dialog.getByTestId('key-pin-state')).toHaveText(
      msg(lang, 'securityKey.info.pinMustChange'),
    );
    await expect(dialog).toContainText(msg(lang, 'securityKey.info.nextChangePin'));
    await shot('01-key-info');
    await expectAccessible(page, 'change-pin 01-key-info');

    await dialog.getByRole('button', { name: msg(lang, 'common.next') }).click();
    const step = dialog.getByTestId('security-key-change-pin');
    await expect(
      step.getByRole('heading', { level: 3, name: msg(lang, 'securityKey.changePin.title') }),
    ).toBeFocused();
    const current = step.getByLabel(msg(lang, 'securityKey.changePin.currentPin'));
    const newPin = step.getByLabel(msg(lang, 'securityKey.changePin.newPin'), { exact: true });
    const confirm = step.getByLabel(msg(lang, 'securityKey.changePin.confirm'));
    const rules = step.getByTestId('pin-rules');
    const next = dialog.getByRole('button', { name: msg(lang, 'common.next') });

    // Live rules: the organization's minimum, not trivial, not the current PIN, confirmed.
    await current.fill(PIN);
    await newPin.fill(PIN);
    await confirm.fill(PIN);
    await expect(rules.locator('.ks-pin-rule--ok')).toHaveCount(3);
    await expect(rules.locator('.ks-pin-rule:not(.ks-pin-rule--ok)')).toHaveText(
      new RegExp(msg(lang, 'securityKey.changePin.ruleDifferent')),
    );
    await next.click();
    await expect(step.getByRole('alert')).toHaveText(
      msg(lang, 'securityKey.errors.pin.sameAsCurrent'),
    );
    // Typing again clears the old message; the checklist says what is still missing.
    await newPin.fill('1357');
    await expect(step.getByRole('alert')).toHaveCount(0);
    await expect(rules.locator('.ks-pin-rule--ok')).toHaveCount(2);
    await shot('02-rules');
    await expectAccessible(page, 'change-pin 02-rules');

    // A wrong current PIN costs a try and says how many are left; the new PIN stays typed.
    await current.fill('000001');
    await newPin.fill(NEW_PIN);
    await confirm.fill(NEW_PIN);
    await expect(rules.locator('.ks-pin-rule--ok')).toHaveCount(4);
    await next.click();
    await expect(step.getByRole('alert')).toHaveText(
      msg(lang, 'securityKey.errors.securityKey.wrongPinTries', { count: 7 }),
    );
    await expect(step.getByTestId('change-pin-tries')).toHaveText(
      msg(lang, 'securityKey.changePin.triesLeft', { count: 7 }),
    );
    await expect(current).toHaveValue('');
    await expect(newPin).toHaveValue(NEW_PIN);
    await shot('03-wrong-current-pin');
    await expectAccessible(page, 'change-pin 03-wrong-current-pin');

    // The right current PIN: changed, and the ceremony goes on as usual.
    await current.fill(PIN);
    await next.click();
    await waitForTouchPrompt(dialog, lang);
    await expect(dialog.getByTestId('security-key-notice')).toHaveText(
      msg(lang, 'securityKey.changePin.changed'),
    );
    await shot('04-touch');
    await touchVirtualKey(dialog, lang);
    await expect(
      dialog.getByRole('heading', { level: 3, name: msg(lang, 'securityKey.name.title') }),
    ).toBeFocused();
    await dialog.getByLabel(msg(lang, 'securityKey.name.label')).fill('Ny PIN');
    await next.click();
    await waitForTouchPrompt(dialog, lang);
    await touchVirtualKey(dialog, lang);
    await expect(
      dialog.getByRole('heading', { level: 3, name: msg(lang, 'securityKey.done.title') }),
    ).toBeFocused();
    await shot('05-done');
    await dialog.getByRole('button', { name: msg(lang, 'common.done') }).click();
    await expect(dialog).toBeHidden();
    await expect(methodRows(page, lang, 'securityKey')).toHaveCount(before + 1);

    // The key no longer demands a change: the next time it asks for the new PIN.
    dialog = await startAddMethod(page, lang, 'securityKey');
    await chooseKey(dialog, lang);
    await expect(dialog.getByTestId('key-pin-state')).toHaveText(
      msg(lang, 'securityKey.info.pinSetTries', { count: 8 }),
    );
    await dialog.getByTestId('security-key-cancel').click();
    expect(errors).toEqual([]);
  });
}
