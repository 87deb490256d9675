/**
 * The method flows inline in the "Keep your account secure" wizard (DESIGN.md §3.2): a person with
 * nothing registered chooses "I want to set up a different method" → authenticator app, and
 * the app flow runs as a wizard page, including "I want to use a different authenticator app".
 */
import { Secret, TOTP } from 'otpauth';
import { expect, test } from './station';
import { expectAccessible, expectStepFocused, msg, shot } from './methods-support';

test('authenticator app as a wizard page (sv)', async ({ page, station }) => {
  const lang = 'sv';
  await page.goto(station.url);
  await page.getByTestId('language-select').selectOption(lang);
  await page.getByLabel(msg(lang, 'people.searchLabel')).fill('Lars Nilsson');
  await page.getByRole('link', { name: /Lars Nilsson/ }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: msg(lang, 'wizard.title') }),
  ).toBeVisible();
  await page.getByTestId('wizard-prompt-next').click();

  await page.getByTestId('wizard-different').click();
  await page.getByRole('radio', { name: msg(lang, 'methods.kind.authenticatorApp') }).check();
  await page.getByRole('button', { name: msg(lang, 'common.next') }).click();

  const step = page.getByTestId('wizard-step');
  await expect(step).toHaveAttribute('data-kind', 'authenticatorApp');
  await expectStepFocused(step, msg(lang, 'authApp.getApp.heading'));
  await step.getByRole('button', { name: msg(lang, 'authApp.getApp.differentApp') }).click();
  await page.screenshot({ path: shot('methods-wizard-sv-01-app'), fullPage: true });
  await expectAccessible(page, 'wizard: app');
  await step.getByRole('button', { name: msg(lang, 'common.next') }).click();
  await expectStepFocused(step, msg(lang, 'authApp.setup.heading'));
  await step.getByRole('button', { name: msg(lang, 'common.next') }).click();
  await step.getByRole('button', { name: msg(lang, 'authApp.scan.cantScan') }).click();
  const secret = (await step.getByTestId('app-secret').innerText()).replace(/\s/g, '');
  await page.screenshot({ path: shot('methods-wizard-sv-02-cant-scan'), fullPage: true });
  await step.getByRole('button', { name: msg(lang, 'common.next') }).click();
  await step
    .getByLabel(msg(lang, 'authApp.verify.codeLabel'))
    .fill(new TOTP({ secret: Secret.fromBase32(secret) }).generate());
  await step.getByRole('button', { name: msg(lang, 'enroll.verify') }).click();
  await expectStepFocused(step, msg(lang, 'authApp.success.heading'));
  // The first MFA method is the default (DESIGN.md §3.2).
  await expect(step).toContainText(msg(lang, 'authApp.success.default'));
  await step.getByRole('button', { name: msg(lang, 'common.done') }).click();
  // The wizard moves on to its next page (E1's wizard decides which).
  const progress = msg(lang, 'wizard.progress', { current: 2, total: 999 }).replace('999', '');
  await expect(page.getByText(progress, { exact: false })).toBeVisible();
  await page.screenshot({ path: shot('methods-wizard-sv-03-next'), fullPage: true });
});
