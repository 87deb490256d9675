/**
 * A first-time operator's walk through the console (DESIGN.md §3.7–3.8, §5–6), by visible text:
 * first run with the operator's own key under the organization's PIN rules (the same rules as
 * people's keys), sign-in, a roster CSV without a header row told as such, the preview counting
 * rows with problems (not problems), the hardware token import with its per-row report, a pass
 * whose slip makes printing the obvious action, the audit viewer's details in sentences, and
 * kiosk mode. Screenshots of every step go to test/artifacts/; with KEYSTATION_GUIDE_IMAGES=1 the
 * ones docs/GUIDE.md shows are also written to docs/images/.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, startStation, test } from './station';
import { msg } from './methods-support';
import { PIN } from './security-key-support';

const lang = 'sv' as const;
const OPERATOR = { username: 'anna.admin', name: 'Anna Admin', password: 'korrekt-häst-batteri-1' };
const ROSTER_COLUMNS = 'upn, display name, department, email, mobile';
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/**
 * A full-page screenshot (and, for the guide, a copy in docs/images/), then one harmless click:
 * in this Chromium the first click after a full-page capture only focuses its target.
 */
async function snap(page: Page, name: string, guide?: string): Promise<void> {
  const path = join('test', 'artifacts', `first-time-operator-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  if (guide && process.env.KEYSTATION_GUIDE_IMAGES === '1') {
    mkdirSync(join('docs', 'images'), { recursive: true });
    copyFileSync(path, join('docs', 'images', `${guide}.png`));
  }
  await page.locator('h1').first().click();
}

test('first-time operator: key PIN rules, imports, tokens, pass slip, audit sentences, kiosk', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const station = await startStation(['--demo']);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    // ---- First run --------------------------------------------------------------------
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
    await snap(page, '01-first-run', 'first-run');
    await page.getByRole('button', { name: msg(lang, 'firstRun.submit') }).click();

    // ---- The operator's own key: one PIN policy, the one people's keys follow ---------------
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'firstRun.keyTitle') }),
    ).toBeVisible();
    const rules = page.getByTestId('operator-pin-rules');
    await expect(rules).toContainText(msg(lang, 'securityKey.pin.ruleLength', { count: 6 }));
    await expect(rules).toContainText(msg(lang, 'securityKey.pin.ruleTrivial'));
    await expect(page.getByText(/minst 4 tecken/i)).toHaveCount(0);
    const newPin = page.getByLabel(msg(lang, 'operator.key.newPin'));
    // The checklist is what a screen reader hears with the field.
    const describedBy = (await newPin.getAttribute('aria-describedby')) ?? '';
    expect(describedBy.split(' ')).toContain(await rules.getAttribute('id'));
    // A trivial PIN (a series) is refused before anything reaches the key.
    await newPin.fill('123456');
    await page.getByLabel(msg(lang, 'operator.key.confirmPin')).fill('123456');
    await page.getByRole('button', { name: msg(lang, 'operator.key.register') }).click();
    await expect(page.getByText(msg(lang, 'securityKey.pin.notAcceptable'))).toBeVisible();
    await expect(page.getByTestId('operator-virtual-touch')).toHaveCount(0);
    await snap(page, '02-operator-pin-rules', 'operator-key-pin');
    await newPin.fill(PIN);
    await page.getByLabel(msg(lang, 'operator.key.confirmPin')).fill(PIN);
    await page.getByRole('button', { name: msg(lang, 'operator.key.register') }).click();
    await page.getByTestId('operator-virtual-touch').click();
    await expect(page.getByTestId('operator-key-registered')).toBeVisible();
    await page.getByTestId('first-run-finish').click();

    // ---- Sign out, sign in with the key ----------------------------------------------
    await page.getByRole('button', { name: msg(lang, 'operator.nav.signOut') }).click();
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'operator.signIn.title') }),
    ).toBeVisible();
    await snap(page, '03-operator-sign-in', 'operator-sign-in');
    const main = page.locator('main');
    await main.getByLabel(msg(lang, 'operator.signIn.pin')).fill(PIN);
    await main.getByRole('button', { name: msg(lang, 'operator.signIn.submit') }).click();
    await main.getByTestId('operator-virtual-touch').click();
    await expect(page.getByTestId('signed-in-operator')).toContainText(OPERATOR.name);
    await snap(page, '04-dashboard', 'console-overview');

    // ---- Roster CSV without a header row: said plainly, nothing imported --------------
    await page.getByRole('link', { name: msg(lang, 'operator.nav.import'), exact: true }).click();
    const paste = page.getByLabel(msg(lang, 'roster.paste'));
    await paste.fill(
      [
        'nora.berg@exempel.se,Nora Berg,Ekonomi,nora.berg@exempel.se,+46701234567',
        'olle.strand@exempel.se,Olle Strand,IT,,',
      ].join('\n'),
    );
    await page.getByRole('button', { name: msg(lang, 'roster.preview') }).click();
    await expect(page.locator('main p[role="alert"]')).toHaveText(
      msg(lang, 'errors.station.csv.noHeader', { columns: ROSTER_COLUMNS }),
    );
    await expect(page.getByText(msg(lang, 'errors.generic'))).toHaveCount(0);
    await snap(page, '05-roster-no-header');

    // One bad row with four problems is one row with errors, and is listed with each problem.
    await paste.fill(
      [
        'upn,display name,department,email,mobile',
        'nora.berg@exempel.se,Nora Berg,Ekonomi,nora.berg@exempel.se,+46701234567',
        'inte ett namn,,Ekonomi,ingen-epost,ring mig',
        'olle.strand@exempel.se,Olle Strand,IT,,',
      ].join('\n'),
    );
    await page.getByRole('button', { name: msg(lang, 'roster.preview') }).click();
    await expect(page.getByTestId('preview-summary')).toHaveText(
      msg(lang, 'roster.previewSummary', { create: 2, update: 0, unchanged: 0, errors: 1 }),
    );
    const rowErrors = page.getByTestId('row-errors');
    await expect(rowErrors.locator('caption')).toHaveText(
      msg(lang, 'roster.errorsTitle', { count: 1 }),
    );
    await expect(rowErrors.locator('tbody tr')).toHaveCount(4);
    await snap(page, '06-roster-preview', 'roster-import');
    await page.getByRole('button', { name: msg(lang, 'roster.importValid', { count: 2 }) }).click();
    await expect(page.getByTestId('import-result')).toHaveText(
      msg(lang, 'roster.resultSummary', { created: 2, updated: 0, unchanged: 0, errors: 1 }),
    );

    // ---- Hardware tokens: the provider's CSV, a report per bad row, the inventory --------
    await page.getByRole('link', { name: msg(lang, 'operator.nav.tokens'), exact: true }).click();
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'tokens.title') }),
    ).toBeVisible();
    await page
      .getByLabel(msg(lang, 'tokens.paste'))
      .fill(
        [
          'upn,serial number,secret key,time interval,manufacturer,model',
          `nora.berg@exempel.se,TOK-1001,${SECRET},30,Exempeltillverkaren,OTP-6`,
          `okand.person@exempel.se,TOK-1002,${SECRET},30,Exempeltillverkaren,OTP-6`,
          'olle.strand@exempel.se,TOK-1003,inte-base32!,45,Exempeltillverkaren,OTP-6',
        ].join('\n'),
      );
    await page.getByRole('button', { name: msg(lang, 'tokens.check') }).click();
    await expect(page.getByTestId('tokens-preview-summary')).toHaveText(
      msg(lang, 'tokens.previewSummary', { valid: 1, errors: 2 }),
    );
    const tokenErrors = page.getByTestId('row-errors');
    await expect(tokenErrors).toContainText(msg(lang, 'roster.rowErrors.unknownPerson'));
    await expect(tokenErrors).toContainText(msg(lang, 'roster.rowErrors.invalidSecret'));
    await expect(tokenErrors).toContainText(msg(lang, 'roster.rowErrors.invalidPeriod'));
    // Checking stores nothing.
    await expect(page.getByTestId('tokens-inventory').getByText('TOK-1001')).toHaveCount(0);
    await snap(page, '07-tokens-preview', 'tokens-import');
    await page.getByRole('button', { name: msg(lang, 'tokens.importValid', { count: 1 }) }).click();
    await expect(page.getByTestId('tokens-result')).toHaveText(
      msg(lang, 'tokens.resultSummary', { imported: 1, errors: 2 }),
    );
    const inventory = page.getByTestId('tokens-inventory');
    await expect(inventory.getByRole('row', { name: /TOK-1001/ })).toContainText(
      msg(lang, 'tokens.statuses.available'),
    );
    await expect(inventory).not.toContainText(SECRET);
    await snap(page, '08-tokens-imported');

    // ---- A pass: after issuing, printing is the obvious action -------------------------
    await page.getByRole('link', { name: msg(lang, 'operator.nav.roster'), exact: true }).click();
    await page.getByLabel(msg(lang, 'operator.roster.search')).fill('Nora');
    await page.getByTestId('roster').getByRole('link', { name: 'Nora Berg' }).click();
    await expect(page.getByTestId('person-upn')).toHaveText('nora.berg@exempel.se');
    const passPanel = page.locator('section[aria-labelledby="pass-title"]');
    await passPanel.getByRole('button', { name: msg(lang, 'passes.issue') }).click();
    await expect(passPanel.getByTestId('pass-slip')).toBeVisible();
    const noraPass = (await page.getByTestId('pass-code').innerText()).trim();
    // The only primary action next to the slip prints it; nothing offers to replace it.
    await expect(passPanel.locator('.ks-button--primary')).toHaveText(msg(lang, 'passes.print'));
    await expect(passPanel.getByRole('button', { name: msg(lang, 'passes.reissue') })).toHaveCount(
      0,
    );
    await snap(page, '09-pass-slip', 'pass-slip');
    await passPanel.getByTestId('pass-done').click();
    await expect(passPanel.getByTestId('pass-slip')).toHaveCount(0);
    // Replacing a pass that is out is a secondary action that asks first.
    const reissue = passPanel.getByRole('button', { name: msg(lang, 'passes.reissue') });
    await expect(reissue).toHaveClass(/ks-button--secondary/);
    await expect(passPanel.locator('.ks-button--primary')).toHaveCount(0);
    await reissue.click();
    await expect(passPanel.getByTestId('pass-replace-confirm')).toContainText(
      msg(lang, 'passes.replaceWarning'),
    );
    await snap(page, '10-pass-replace-asks');
    await passPanel.getByRole('button', { name: msg(lang, 'common.cancel') }).click();
    await expect(passPanel.getByTestId('pass-replace-confirm')).toHaveCount(0);

    // ---- The audit viewer's details are sentences, not the station's field names ----------
    await page.getByRole('link', { name: msg(lang, 'operator.nav.audit'), exact: true }).click();
    const audit = page.getByTestId('audit-rows');
    await expect(audit).toBeVisible();
    const details = audit.locator('td.ks-op-audit__details');
    await expect(details.first()).toBeVisible();
    const texts = await details.allInnerTexts();
    // No "methodId: 14, kind: authenticatorApp" style text anywhere.
    expect(texts.filter((x) => /\b[a-z]+[A-Z]\w*:/.test(x))).toEqual([]);
    expect(texts).toContain(
      msg(lang, 'audit.describe.roster_imported', { created: 2, updated: 0, rejected: 1 }),
    );
    expect(
      texts.some((x) => x.startsWith('Ett engångspass utfärdades, giltigt i 480 minuter')),
    ).toBe(true);
    expect(
      texts.some((x) => x.startsWith('1 maskinvarutoken importerades. 2 rader hoppades över.')),
    ).toBe(true);
    await snap(page, '11-audit-sentences', 'audit');

    // ---- Kiosk mode: the person signs in with the pass ---------------------------------
    await page.getByRole('button', { name: msg(lang, 'operator.nav.startKiosk') }).click();
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'kiosk.welcome.title') }),
    ).toBeVisible();
    await snap(page, '12-kiosk-welcome', 'kiosk-welcome');
    await page.getByLabel(msg(lang, 'kiosk.welcome.upn')).fill('nora.berg@exempel.se');
    await page.getByLabel(msg(lang, 'kiosk.welcome.pass')).fill(noraPass);
    await page
      .getByRole('button', { name: msg(lang, 'kiosk.welcome.submit'), exact: true })
      .click();
    await expect(page.getByTestId('kiosk-person')).toContainText('Nora Berg');
    await expect(
      page
        .locator('main')
        .getByRole('heading', { name: msg(lang, 'kiosk.session.wizardTitle') })
        .first(),
    ).toBeVisible();
    await snap(page, '13-kiosk-wizard', 'kiosk-wizard');

    expect(pageErrors).toEqual([]);
  } finally {
    await station.stop();
  }
});
