/**
 * "Keep your account secure" (DESIGN.md §3.2): a person with no methods (Lars, demo
 * policy "a security key and one more") gets the wizard; it completes the policy one page per
 * method with a progress indicator, and ends on a success page listing what was set up.
 */
import { Secret, TOTP } from 'otpauth';
import type { Page } from '@playwright/test';
import { expect, test, type RunningStation } from './station';
import { msg, type Lang } from './methods-support';
import { expectAccessible, openPerson, registerKey } from './security-key-support';

async function openLars(page: Page, station: RunningStation, lang: Lang): Promise<void> {
  await openPerson(page, station, 'Lars Nilsson', lang, 'wizard.title');
  await page.getByTestId('wizard-prompt-next').click();
}

async function securityKeyPage(page: Page, lang: Lang, shots: string): Promise<void> {
  const step = page.getByTestId('wizard-step');
  await expect(step).toHaveAttribute('data-kind', 'securityKey');
  const stepper = page.getByRole('navigation', {
    name: msg(lang, 'common.stepOf', { current: 1, total: 2 }),
  });
  await expect(stepper).toContainText(msg(lang, 'methods.kind.securityKey'));
  await expect(stepper).toContainText(msg(lang, 'methods.kind.authenticatorApp'));
  await expect(step).toContainText(msg(lang, 'wizard.progress', { current: 1, total: 2 }));
  await page.screenshot({ path: `test/artifacts/${shots}-01-security-key.png` });
  await expectAccessible(page, `${shots} security key page`);
  await registerKey(page, step, lang, 'Lars key');
  await step.getByRole('button', { name: msg(lang, 'common.done') }).click();
  await expect(page.getByTestId('wizard-step')).toHaveAttribute('data-kind', 'authenticatorApp');
  await expect(page.getByTestId('wizard-step')).toContainText(
    msg(lang, 'wizard.progress', { current: 2, total: 2 }),
  );
}

async function successPage(page: Page, lang: Lang, shots: string, second: string): Promise<void> {
  const success = page.getByTestId('wizard-success');
  await expect(
    success.getByRole('heading', { level: 2, name: msg(lang, 'wizard.successTitle') }),
  ).toBeFocused();
  const added = success.getByTestId('wizard-added');
  await expect(added.getByRole('listitem')).toHaveCount(2);
  await expect(added).toContainText(`${msg(lang, 'methods.kind.securityKey')} – Lars key`);
  await expect(added).toContainText(msg(lang, `methods.kind.${second}`));
  await page.screenshot({ path: `test/artifacts/${shots}-04-success.png` });
  await expectAccessible(page, `${shots} success`);
  await success.getByRole('button', { name: msg(lang, 'wizard.done') }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: msg(lang, 'securityInfo.title') }),
  ).toBeVisible();
  await expect(page.getByTestId('registration-status')).toContainText(
    msg(lang, 'securityInfo.registrationComplete'),
  );
  await page.screenshot({ path: `test/artifacts/${shots}-05-security-info.png`, fullPage: true });
}

test('wizard from an empty person: security key, then the authenticator app → success (en)', async ({
  page,
  station,
}) => {
  const lang: Lang = 'en';
  await openLars(page, station, lang);
  await securityKeyPage(page, lang, 'wizard-en');

  // The app page is the app flow itself, inline.
  const step = page.getByTestId('wizard-step');
  await page.screenshot({ path: 'test/artifacts/wizard-en-02-app.png' });
  await step.getByRole('button', { name: msg(lang, 'common.next') }).click();
  await step.getByRole('button', { name: msg(lang, 'common.next') }).click();
  await step.getByRole('button', { name: msg(lang, 'authApp.scan.cantScan') }).click();
  const secret = (await step.getByTestId('app-secret').innerText()).replace(/\s/g, '');
  await step.getByRole('button', { name: msg(lang, 'common.next') }).click();
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });
  await step.getByLabel(msg(lang, 'authApp.verify.codeLabel')).fill(totp.generate());
  await step.getByRole('button', { name: msg(lang, 'enroll.verify') }).click();
  await expect(
    step.getByRole('heading', { level: 3, name: msg(lang, 'authApp.success.heading') }),
  ).toBeVisible();
  await page.screenshot({ path: 'test/artifacts/wizard-en-03-app-done.png' });
  await step.getByRole('button', { name: msg(lang, 'common.done') }).click();
  await successPage(page, lang, 'wizard-en', 'authenticatorApp');
});

test('wizard: "I want to set up a different method" → security questions → success (sv)', async ({
  page,
  station,
}) => {
  const lang: Lang = 'sv';
  await openLars(page, station, lang);
  await securityKeyPage(page, lang, 'wizard-sv');

  await page.getByTestId('wizard-different').click();
  const choose = page.getByTestId('wizard-choose');
  await expect(
    choose.getByRole('heading', { level: 2, name: msg(lang, 'wizard.chooseTitle') }),
  ).toBeFocused();
  // Only what the policy allows and what isn't this page already.
  await expect(
    choose.getByRole('radio', { name: msg(lang, 'methods.kind.authenticatorApp') }),
  ).toHaveCount(0);
  await page.screenshot({ path: 'test/artifacts/wizard-sv-02-different-method.png' });
  await expectAccessible(page, 'wizard different method');
  await choose.getByRole('radio', { name: msg(lang, 'methods.kind.securityQuestions') }).check();
  await choose.getByRole('button', { name: msg(lang, 'common.next') }).click();

  const step = page.getByTestId('wizard-step');
  await expect(step).toHaveAttribute('data-kind', 'securityQuestions');
  await expect(
    page.getByRole('navigation', { name: msg(lang, 'common.stepOf', { current: 2, total: 2 }) }),
  ).toContainText(msg(lang, 'methods.kind.securityQuestions'));
  for (const n of [1, 2, 3]) {
    const select = step.getByLabel(msg(lang, 'questions.questionLabel', { n }), { exact: true });
    await select.selectOption({ index: 1 });
    await step
      .getByLabel(msg(lang, 'questions.answerLabel', { n }), { exact: true })
      .fill(`svar nummer ${n} här`);
  }
  await page.screenshot({ path: 'test/artifacts/wizard-sv-03-questions.png' });
  await step.getByRole('button', { name: msg(lang, 'questions.save') }).click();
  await step.getByRole('button', { name: msg(lang, 'common.done') }).click();
  await successPage(page, lang, 'wizard-sv', 'securityQuestions');
});
