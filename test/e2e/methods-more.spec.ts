/**
 * Email, security questions and OATH hardware token flows end to end (DESIGN.md §1, §3.6).
 * The email code is read from the demo outbox view; the token's code is computed from the demo
 * token's published secret (main/station/demoSeed.ts), as the token itself would show it.
 */
import { Secret, TOTP } from 'otpauth';
import { DEMO_OATH_TOKENS } from '../../main/station/demoSeed';
import { expect, test } from './station';
import {
  codeFromDemoOutbox,
  expectAccessible,
  expectStepFocused,
  methodRows,
  msg,
  openSecurityInfo,
  shot,
  startAddMethod,
} from './methods-support';

for (const lang of ['sv', 'en'] as const) {
  test(`email: a code to an alternate address (${lang})`, async ({ page, station }) => {
    await openSecurityInfo(page, station, 'Anna Svensson', lang);
    const dialog = await startAddMethod(page, lang, 'email');
    await expectStepFocused(dialog, msg(lang, 'email.address.heading'));
    await page.screenshot({ path: shot(`methods-email-${lang}-01-address`) });

    // The work account itself can't be the alternate address.
    const address = dialog.getByLabel(msg(lang, 'email.address.label'));
    await address.fill('anna.svensson@demo.keystation.local');
    await dialog.getByRole('button', { name: msg(lang, 'common.next') }).click();
    await expect(dialog.getByTestId('flow-error')).toHaveText(
      msg(lang, 'enroll.errors.email.invalid'),
    );

    await address.fill('anna.private@example.org');
    await dialog.getByRole('button', { name: msg(lang, 'common.next') }).click();
    await expectStepFocused(dialog, msg(lang, 'email.code.heading'));
    await expect(dialog).toContainText(
      msg(lang, 'email.code.saved', { address: 'anna.private@example.org' }),
    );
    const code = await codeFromDemoOutbox(dialog);
    await page.screenshot({ path: shot(`methods-email-${lang}-02-code`) });
    await expectAccessible(page, 'methods-email-en-02-code');
    await dialog.getByLabel(msg(lang, 'enroll.codeLabel')).fill(code);
    await dialog.getByRole('button', { name: msg(lang, 'enroll.verify') }).click();
    await expectStepFocused(dialog, msg(lang, 'email.success.heading'));
    await page.screenshot({ path: shot(`methods-email-${lang}-03-success`) });
    await expectAccessible(page, 'methods-email-en-03-success');
    await dialog.getByRole('button', { name: msg(lang, 'common.done') }).click();
    const row = methodRows(page, lang, 'email');
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('@example.org');
  });
}

for (const lang of ['sv', 'en'] as const) {
  test(`security questions: pick 3 different, answers checked and never shown (${lang})`, async ({
    page,
    station,
  }) => {
    await openSecurityInfo(page, station, 'Anna Svensson', lang);
    const dialog = await startAddMethod(page, lang, 'securityQuestions');
    await expectStepFocused(dialog, msg(lang, 'questions.heading'));
    const answers = ['Storgatans skola', 'Kalle Katt', 'Glassbaren'];
    const picked: string[] = [];
    for (let i = 0; i < 3; i++) {
      const select = dialog.getByLabel(msg(lang, 'questions.questionLabel', { n: i + 1 }));
      const options = (await select.locator('option').allInnerTexts()).slice(1);
      // No duplicates: a question chosen above is not offered again.
      for (const p of picked) expect(options).not.toContain(p);
      await select.selectOption({ label: options[0] });
      picked.push(options[0]);
      const answer = dialog.getByLabel(msg(lang, 'questions.answerLabel', { n: i + 1 }), {
        exact: true,
      });
      await expect(answer).toHaveAttribute('type', 'password');
      await answer.fill(i === 2 ? 'ab' : answers[i]);
    }
    await dialog.getByRole('button', { name: msg(lang, 'questions.save') }).click();
    await expect(dialog.getByTestId('flow-error')).toHaveText(
      msg(lang, 'enroll.errors.questions.answerLength', { min: 3, max: 40 }),
    );
    await page.screenshot({ path: shot(`methods-questions-${lang}-01-answers`) });
    await expectAccessible(page, `methods-questions-${lang}-01-answers`);
    await dialog
      .getByLabel(msg(lang, 'questions.answerLabel', { n: 3 }), { exact: true })
      .fill(answers[2]);
    await dialog.getByRole('button', { name: msg(lang, 'questions.save') }).click();
    await expectStepFocused(dialog, msg(lang, 'questions.success.heading'));
    await page.screenshot({ path: shot(`methods-questions-${lang}-02-success`) });
    await dialog.getByRole('button', { name: msg(lang, 'common.done') }).click();
    await expect(methodRows(page, lang, 'securityQuestions')).toHaveCount(1);
    // Nobody sees the answers again, anywhere on the page.
    for (const a of answers) await expect(page.getByText(a)).toHaveCount(0);
    await page.screenshot({ path: shot(`methods-questions-${lang}-03-listed`), fullPage: true });
  });

  test(`OATH hardware token: serial + current code (${lang})`, async ({ page, station }) => {
    const token = DEMO_OATH_TOKENS.find((t) => t.upn.startsWith('maria.garcia'));
    if (!token) throw new Error('demo token missing');
    await openSecurityInfo(page, station, 'María García', lang);
    const dialog = await startAddMethod(page, lang, 'hardwareToken');
    await expectStepFocused(dialog, msg(lang, 'oath.heading'));
    await expect(dialog.getByTestId('oath-available')).toContainText(token.serial);

    // The one token waiting for her is suggested.
    await expect(dialog.getByLabel(msg(lang, 'oath.serial'))).toHaveValue(token.serial);
    await dialog.getByLabel(msg(lang, 'oath.serial')).fill('NOPE-0000');
    await dialog.getByLabel(msg(lang, 'oath.code')).fill('123456');
    await dialog.getByRole('button', { name: msg(lang, 'oath.activate') }).click();
    await expect(dialog.getByTestId('flow-error')).toHaveText(
      msg(lang, 'enroll.errors.oath.tokenNotFound'),
    );
    await page.screenshot({ path: shot(`methods-oath-${lang}-01-unknown-serial`) });
    await expectAccessible(page, `methods-oath-${lang}-01-unknown-serial`);

    const totp = new TOTP({
      secret: Secret.fromBase32(token.secretBase32),
      period: token.period,
      digits: 6,
      algorithm: 'SHA1',
    });
    await dialog.getByLabel(msg(lang, 'oath.serial')).fill(token.serial);
    await dialog.getByLabel(msg(lang, 'oath.code')).fill(totp.generate());
    await dialog.getByRole('button', { name: msg(lang, 'oath.activate') }).click();
    await expectStepFocused(dialog, msg(lang, 'oath.success.heading'));
    await page.screenshot({ path: shot(`methods-oath-${lang}-02-success`) });
    await expectAccessible(page, `methods-oath-${lang}-02-success`);
    await dialog.getByRole('button', { name: msg(lang, 'common.done') }).click();
    const row = methodRows(page, lang, 'hardwareToken');
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(token.serial);
  });
}
