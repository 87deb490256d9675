/**
 * Steps of the security key e2e specs: drive the real flow against the station's in-process
 * virtual key (demo mode). The virtual key waits for a touch like a real key ("manual"); the
 * test touches it with the flow's own demo button, as a trainee at the desk would.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { expect, type RunningStation } from './station';
import { msg, type Lang } from './methods-support';

/**
 * Roster → the person's page in `lang`. The search list re-renders as results arrive, so the
 * click is retried until the route changed (a click on a list being replaced can be lost).
 */
export async function openPerson(
  page: Page,
  station: RunningStation,
  displayName: string,
  lang: Lang,
  heading: 'securityInfo.title' | 'wizard.title' = 'securityInfo.title',
): Promise<void> {
  await page.goto(station.url);
  const select = page.getByTestId('language-select');
  // The stored setting arrives asynchronously at start and may land after the first choice
  // (I18nProvider), so choose until it sticks.
  await expect(async () => {
    await select.selectOption(lang);
    await expect(page.locator('html')).toHaveAttribute('lang', lang, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await page.getByLabel(msg(lang, 'people.searchLabel')).fill(displayName);
  const link = page.getByRole('link', { name: new RegExp(displayName) });
  await expect(link).toHaveCount(1);
  await expect(async () => {
    if (!/security-info/.test(page.url())) await link.click({ timeout: 2000 });
    await expect(page).toHaveURL(/security-info/, { timeout: 2000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByRole('heading', { level: 1, name: msg(lang, heading) })).toBeVisible();
  if (heading === 'securityInfo.title') {
    // The heading shows while the methods are still loading: wait for the list (or its empty
    // state), so callers counting rows count the loaded list.
    await expect(page.getByTestId('methods').or(page.locator('.ks-empty')).first()).toBeVisible();
  }
}

export const PIN = '482915';

/** "Insert your security key" → the (only) virtual key → Next; waits for the key info page. */
/** `number` when several virtual keys are inserted ("Virtual key (demo) 2"). */
export async function chooseKey(dialog: Locator, lang: Lang, number?: number): Promise<void> {
  // Visible, not necessarily focused: a test may just have used the demo panel.
  await expect(
    dialog.getByRole('heading', { level: 3, name: msg(lang, 'securityKey.insert.title') }),
  ).toBeVisible();
  const name =
    number === undefined
      ? msg(lang, 'securityInfo.virtualKey')
      : msg(lang, 'securityKey.insert.virtualKey', { number });
  const devices = dialog.getByTestId('security-key-devices');
  await expect(devices).toContainText(name);
  const radio = devices.getByRole('radio', { name });
  if ((await radio.count()) > 0) await radio.check();
  await dialog.getByRole('button', { name: msg(lang, 'common.next') }).click();
  await expect(
    dialog.getByRole('heading', { level: 3, name: msg(lang, 'securityKey.info.title') }),
  ).toBeFocused();
}

export async function toPinStep(dialog: Locator, lang: Lang): Promise<void> {
  await dialog.getByRole('button', { name: msg(lang, 'common.next') }).click();
  await expect(dialog.getByTestId('security-key-pin')).toBeVisible();
}

export async function createPin(dialog: Locator, lang: Lang, pin = PIN): Promise<void> {
  await dialog.getByTestId('pin-input').fill(pin);
  await dialog.getByTestId('pin-confirm').fill(pin);
  await dialog.getByRole('button', { name: msg(lang, 'common.next') }).click();
}

export async function enterPin(dialog: Locator, lang: Lang, pin: string): Promise<void> {
  await dialog.getByTestId('pin-input').fill(pin);
  await dialog.getByRole('button', { name: msg(lang, 'common.next') }).click();
}

/** Waits for "Touch your security key now" (keepalive UPNEEDED reached the UI). */
export async function waitForTouchPrompt(dialog: Locator, lang: Lang): Promise<void> {
  await expect(dialog.getByTestId('touch-status')).toHaveText(msg(lang, 'securityKey.touch.now'));
}

export async function touchVirtualKey(dialog: Locator, lang: Lang): Promise<void> {
  await waitForTouchPrompt(dialog, lang);
  await dialog.getByTestId('virtual-touch').click();
}

/** The demo control panel under the flow (opened if closed). */
export async function virtualPanel(dialog: Locator): Promise<Locator> {
  const panel = dialog.getByTestId('virtual-key-panel');
  if ((await panel.getAttribute('open')) === null) await panel.locator('summary').click();
  return panel;
}

export function keyError(dialog: Locator): Locator {
  return dialog.getByTestId('security-key-error-message');
}

/** A whole registration from the insert step to "Done"; returns after the dialog closed. */
export async function registerKey(
  page: Page,
  dialog: Locator,
  lang: Lang,
  keyName: string,
  opts: { pinStep?: 'create' | 'enter'; screenshots?: string } = {},
): Promise<void> {
  const shot = async (name: string) => {
    if (opts.screenshots)
      await page.screenshot({ path: `test/artifacts/${opts.screenshots}-${name}.png` });
  };
  await chooseKey(dialog, lang);
  await shot('02-key-info');
  await toPinStep(dialog, lang);
  if (opts.pinStep === 'enter') await enterPin(dialog, lang, PIN);
  else await createPin(dialog, lang);
  await waitForTouchPrompt(dialog, lang);
  await shot('04-touch');
  await touchVirtualKey(dialog, lang);
  await expect(
    dialog.getByRole('heading', { level: 3, name: msg(lang, 'securityKey.name.title') }),
  ).toBeFocused();
  await dialog.getByLabel(msg(lang, 'securityKey.name.label')).fill(keyName);
  await shot('05-name');
  await dialog.getByRole('button', { name: msg(lang, 'common.next') }).click();
  await expect(
    dialog.getByRole('heading', { level: 3, name: msg(lang, 'securityKey.touch.testTitle') }),
  ).toBeVisible();
  await waitForTouchPrompt(dialog, lang);
  await shot('06-test-sign-in');
  await touchVirtualKey(dialog, lang);
  await expect(
    dialog.getByRole('heading', { level: 3, name: msg(lang, 'securityKey.done.title') }),
  ).toBeFocused();
  await expect(dialog).toContainText(msg(lang, 'securityKey.done.registered', { name: keyName }));
  await shot('07-done');
}

/** axe-core on the page as it is now: no serious or critical violation. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, `axe at ${where}`).toEqual([]);
}
