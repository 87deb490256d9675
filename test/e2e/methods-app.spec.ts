/**
 * Authenticator app flow end to end (DESIGN.md §3.4, §1) in the real renderer against the real
 * station: the TOTP code is computed here from the secret the UI shows under "Can't scan the QR
 * code?", exactly as a person would type it into their app.
 */
import { Secret, TOTP } from 'otpauth';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './station';
import {
  expectAccessible,
  expectStepFocused,
  methodRows,
  msg,
  openSecurityInfo,
  shot,
  startAddMethod,
  type Lang,
} from './methods-support';

/** Runs the flow up to the code step; returns the secret and TOTP parameters the UI showed. */
async function throughScan(
  page: Page,
  dialog: Locator,
  lang: Lang,
  screenshots?: string,
): Promise<TOTP> {
  await expectStepFocused(dialog, msg(lang, 'authApp.getApp.heading'));
  if (screenshots) {
    await page.screenshot({ path: shot(`${screenshots}-01-get-app`) });
    await expectAccessible(page, 'get the app');
  }
  await dialog.getByRole('button', { name: msg(lang, 'common.next') }).click();
  await expectStepFocused(dialog, msg(lang, 'authApp.setup.heading'));
  if (screenshots) await page.screenshot({ path: shot(`${screenshots}-02-set-up`) });
  await dialog.getByRole('button', { name: msg(lang, 'common.next') }).click();
  await expectStepFocused(dialog, msg(lang, 'authApp.scan.heading'));
  const qr = dialog.getByRole('img', { name: msg(lang, 'authApp.scan.qrAlt') });
  await expect(qr).toBeVisible();
  // Large enough to scan from a phone at arm's length.
  const box = await qr.boundingBox();
  expect(box?.width ?? 0).toBeGreaterThanOrEqual(250);
  if (screenshots) {
    await page.screenshot({ path: shot(`${screenshots}-03-qr`) });
    await expectAccessible(page, 'QR code');
  }

  // "Can't scan the QR code?" shows the secret (grouped), the account and the issuer.
  await expect(dialog.getByTestId('app-secret')).toHaveCount(0);
  await dialog.getByRole('button', { name: msg(lang, 'authApp.scan.cantScan') }).click();
  const grouped = (await dialog.getByTestId('app-secret').innerText()).trim();
  expect(grouped).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
  await expect(dialog.getByTestId('app-account')).toContainText('@demo.keystation.local');
  await expect(dialog.getByTestId('app-issuer')).toHaveText('Demo Organization');
  const details = (await dialog.getByTestId('app-manual').innerText()).match(
    /(\d+)\D+(\d+)\D+\((SHA\d+)\)/,
  );
  expect(details, 'digits / period / algorithm are shown').not.toBeNull();
  if (screenshots) {
    await page.screenshot({ path: shot(`${screenshots}-04-cant-scan`) });
    await expectAccessible(page, "can't scan");
  }
  await dialog.getByRole('button', { name: msg(lang, 'common.next') }).click();
  await expectStepFocused(dialog, msg(lang, 'authApp.verify.heading'));
  return new TOTP({
    secret: Secret.fromBase32(grouped.replace(/ /g, '')),
    digits: Number(details?.[1]),
    period: Number(details?.[2]),
    algorithm: details?.[3],
  });
}

async function enterCode(dialog: Locator, lang: Lang, code: string): Promise<void> {
  await dialog.getByLabel(msg(lang, 'authApp.verify.codeLabel')).fill(code);
  await dialog.getByRole('button', { name: msg(lang, 'enroll.verify') }).click();
}

/** Adds one app end to end without screenshots; used to fill up to the limit. */
async function addApp(page: Page, lang: Lang): Promise<void> {
  const dialog = await startAddMethod(page, lang, 'authenticatorApp');
  const totp = await throughScan(page, dialog, lang);
  await enterCode(dialog, lang, totp.generate());
  await expectStepFocused(dialog, msg(lang, 'authApp.success.heading'));
  await dialog.getByRole('button', { name: msg(lang, 'common.done') }).click();
  await expect(dialog).toBeHidden();
}

for (const lang of ['sv', 'en'] as const) {
  test(`authenticator app end to end, can't scan → secret → TOTP (${lang})`, async ({
    page,
    station,
  }) => {
    await openSecurityInfo(page, station, 'Anna Svensson', lang);
    const before = await methodRows(page, lang, 'authenticatorApp').count();
    const dialog = await startAddMethod(page, lang, 'authenticatorApp');
    const totp = await throughScan(page, dialog, lang, `methods-app-${lang}`);

    // A wrong code first: a plain message with the tries left, announced (aria-live).
    const right = totp.generate();
    const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
    await enterCode(dialog, lang, wrong);
    await expect(dialog.getByTestId('flow-error')).toHaveText(
      msg(lang, 'enroll.errors.code.invalid', { count: 4 }),
    );
    await expect(dialog.getByTestId('flow-error')).toHaveAttribute('aria-live', 'assertive');
    await page.screenshot({ path: shot(`methods-app-${lang}-05-wrong-code`) });
    await expectAccessible(page, 'wrong code');

    await enterCode(dialog, lang, totp.generate());
    await expectStepFocused(dialog, msg(lang, 'authApp.success.heading'));
    await page.screenshot({ path: shot(`methods-app-${lang}-06-success`) });
    await expectAccessible(page, 'success');
    await dialog.getByRole('button', { name: msg(lang, 'common.done') }).click();
    await expect(dialog).toBeHidden();
    await expect(methodRows(page, lang, 'authenticatorApp')).toHaveCount(before + 1);
    await page.screenshot({ path: shot(`methods-app-${lang}-07-listed`), fullPage: true });
  });
}

test('"I want to use a different authenticator app", and a sixth app gets the limit message', async ({
  page,
  station,
}) => {
  const lang = 'sv';
  await openSecurityInfo(page, station, 'Anna Svensson', lang);
  // Anna has one app from the demo data; three more make four.
  await expect(methodRows(page, lang, 'authenticatorApp')).toHaveCount(1);
  for (let i = 0; i < 3; i++) await addApp(page, lang);
  await expect(methodRows(page, lang, 'authenticatorApp')).toHaveCount(4);

  // Desk A opens the app flow for a fifth…
  const dialog = await startAddMethod(page, lang, 'authenticatorApp');
  await dialog.getByRole('button', { name: msg(lang, 'authApp.getApp.differentApp') }).click();
  await expect(dialog.getByText(msg(lang, 'authApp.getApp.anyAppBody'))).toBeVisible();
  await page.screenshot({ path: shot('methods-app-sv-08-different-app') });

  // …while desk B adds the fifth: now the person has five apps or tokens.
  const other = await page.context().newPage();
  await openSecurityInfo(other, station, 'Anna Svensson', lang);
  await addApp(other, lang);
  await expect(methodRows(other, lang, 'authenticatorApp')).toHaveCount(5);
  // At the limit, "+ Add method" still shows the app and the token, unavailable, with the
  // message saying why and what to do (the normal path to the limit message).
  await other.getByRole('button', { name: msg(lang, 'securityInfo.addMethod') }).click();
  const chooser = other.getByRole('dialog', { name: msg(lang, 'securityInfo.addMethod') });
  for (const kind of ['authenticatorApp', 'hardwareToken'] as const) {
    await expect(
      chooser.getByRole('radio', { name: msg(lang, `methods.kind.${kind}`) }),
    ).toBeDisabled();
  }
  await expect(chooser.getByTestId('add-method-limit')).toHaveText(
    msg(lang, 'enroll.errors.method.limitReached', { limit: 5 }),
  );
  await other.screenshot({ path: shot('methods-app-sv-09a-add-at-limit') });
  await other.close();

  // The sixth: the message of DESIGN.md §1 — why, and what to do next.
  await dialog.getByRole('button', { name: msg(lang, 'common.next') }).click();
  const limit = msg(lang, 'enroll.errors.method.limitReached', { limit: 5 });
  await expect(dialog.getByTestId('flow-error')).toHaveText(limit);
  expect(limit).toContain('5');
  await page.screenshot({ path: shot('methods-app-sv-09-limit') });
  await expectAccessible(page, 'limit');
});
