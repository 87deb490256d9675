/**
 * Shared steps of the method-flow e2e specs (methods-*.spec.ts): open a demo person's Security
 * info page in a language, start "+ Add method" for a kind, look messages up in the real i18n
 * catalogs (so the same spec runs in Swedish and English), read a code from the demo outbox.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { expect, type RunningStation } from './station';

export type Lang = 'sv' | 'en';

const catalogs: Record<Lang, unknown> = {
  sv: JSON.parse(readFileSync(join('renderer', 'src', 'i18n', 'sv.json'), 'utf8')),
  en: JSON.parse(readFileSync(join('renderer', 'src', 'i18n', 'en.json'), 'utf8')),
};

/** The catalog's message, placeholders filled; plural groups pick `one` for 1, else `other`. */
export function msg(lang: Lang, key: string, params: Record<string, string | number> = {}): string {
  let node: unknown = catalogs[lang];
  for (const part of key.split('.')) node = (node as Record<string, unknown>)?.[part];
  if (typeof node === 'object' && node !== null) {
    const forms = node as Record<string, string>;
    node = params.count === 1 ? forms.one : forms.other;
  }
  if (typeof node !== 'string') throw new Error(`no message ${lang}:${key}`);
  return node.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}

export async function openSecurityInfo(
  page: Page,
  station: RunningStation,
  displayName: string,
  lang: Lang,
): Promise<void> {
  await page.goto(station.url);
  const select = page.getByTestId('language-select');
  await expect(select).toBeVisible();
  await select.selectOption(lang);
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
  await page.getByLabel(msg(lang, 'people.searchLabel')).fill(displayName);
  await page.getByRole('link', { name: new RegExp(displayName) }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: msg(lang, 'securityInfo.title') }),
  ).toBeVisible();
  await expect(page.getByTestId('person-heading')).toContainText(displayName);
}

/** "+ Add method" → the kind; returns the flow's dialog. */
export async function startAddMethod(page: Page, lang: Lang, kind: string): Promise<Locator> {
  await page.getByRole('button', { name: msg(lang, 'securityInfo.addMethod') }).click();
  const kindName = msg(lang, `methods.kind.${kind}`);
  const flowDialog = page.getByRole('dialog', { name: kindName });
  const chooser = page.getByRole('dialog', { name: msg(lang, 'securityInfo.addMethod') });
  await expect(flowDialog.or(chooser)).toBeVisible();
  if (await chooser.isVisible()) {
    await chooser.getByRole('radio', { name: kindName, exact: true }).check();
    await chooser.getByTestId('add-method-confirm').click();
  }
  await expect(flowDialog).toBeVisible();
  return flowDialog;
}

/** The kinds "+ Add method" offers now (opens and closes the chooser). */
export async function offeredKinds(page: Page, lang: Lang): Promise<string[]> {
  await page.getByRole('button', { name: msg(lang, 'securityInfo.addMethod') }).click();
  const chooser = page.getByRole('dialog', { name: msg(lang, 'securityInfo.addMethod') });
  await expect(chooser).toBeVisible();
  const radios = chooser.getByRole('radio');
  const names: string[] = [];
  for (let i = 0; i < (await radios.count()); i++) {
    const label = radios.nth(i).locator('xpath=ancestor::label[1]');
    names.push((await label.innerText()).trim());
  }
  await chooser.getByRole('button', { name: msg(lang, 'common.cancel') }).click();
  await expect(chooser).toBeHidden();
  return names;
}

/** The step heading has focus (DESIGN.md §3: focus moved on every step). */
export async function expectStepFocused(dialog: Locator, heading: string): Promise<void> {
  const h = dialog.getByRole('heading', { level: 3, name: heading });
  await expect(h).toBeVisible();
  await expect(h).toBeFocused();
}

/** The 6-digit code out of the demo outbox panel (what the station recorded for this person). */
export async function codeFromDemoOutbox(dialog: Locator): Promise<string> {
  const text = dialog.getByTestId('demo-outbox-text');
  await expect(text).toHaveText(/\d/);
  const spoken = (await text.innerText()).match(/(\d(?: ?\d){5})/);
  if (!spoken) throw new Error('no code in the demo outbox');
  return spoken[1].replace(/ /g, '');
}

/** The methods table row of a kind (translated rowheader). */
export function methodRows(page: Page, lang: Lang, kind: string): Locator {
  return page
    .getByTestId('methods')
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: msg(lang, `methods.kind.${kind}`) }) });
}

export function shot(name: string): string {
  return join('test', 'artifacts', `${name}.png`);
}

/** axe-core on the whole page as it is now: no serious or critical violation. */
export async function expectAccessible(page: Page, step: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, `axe violations at ${step}`).toEqual([]);
}
