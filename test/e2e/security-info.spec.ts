/**
 * The Security info page (DESIGN.md §3.1, §1): change the default sign-in method (only
 * MFA-capable methods offered), delete with a confirmation that says it cannot be undone, the
 * fallback default afterwards, and what registration still requires.
 */
import { expect, test } from './station';
import { methodRows, msg, type Lang } from './methods-support';
import { expectAccessible, openPerson } from './security-key-support';

for (const lang of ['sv', 'en'] as const satisfies readonly Lang[]) {
  test(`delete the default method → confirmation, then the fallback default and what is missing (${lang})`, async ({
    page,
    station,
  }) => {
    await openPerson(page, station, 'Anna Svensson', lang);
    const kind = (k: string) => msg(lang, `methods.kind.${k}`);
    const defaultLine = page.getByTestId('default-method');
    await expect(defaultLine).toContainText(kind('securityKey'));
    await expect(page.getByTestId('registration-status')).toContainText(
      msg(lang, 'securityInfo.registrationComplete'),
    );

    const keyRow = methodRows(page, lang, 'securityKey');
    await keyRow.getByRole('button', { name: msg(lang, 'securityInfo.delete') }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText(msg(lang, 'securityInfo.deleteDialog.warning'));
    // The safe choice has focus.
    await expect(dialog.getByRole('button', { name: msg(lang, 'common.cancel') })).toBeFocused();
    await page.screenshot({ path: `test/artifacts/security-info-${lang}-01-delete-confirm.png` });
    await expectAccessible(page, 'delete confirmation');
    await dialog.getByTestId('delete-confirm').click();
    await expect(dialog).toBeHidden();

    // DESIGN.md §1: the next default is the most secure remaining method (the app before SMS).
    await expect(methodRows(page, lang, 'securityKey')).toHaveCount(0);
    await expect(defaultLine).toContainText(kind('authenticatorApp'));
    const status = page.getByTestId('registration-status');
    await expect(status).toContainText(msg(lang, 'securityInfo.registrationIncomplete'));
    await expect(status).toContainText(kind('securityKey'));
    await page.screenshot({
      path: `test/artifacts/security-info-${lang}-02-after-delete.png`,
      fullPage: true,
    });
    await expectAccessible(page, 'security info after delete');
  });
}

test('change the default sign-in method: only MFA-capable methods are offered', async ({
  page,
  station,
}) => {
  const lang: Lang = 'en';
  // Erik's methods don't meet the policy (no security key): the wizard opens first.
  await openPerson(page, station, 'Erik Johansson', lang, 'wizard.title');
  await page.getByRole('button', { name: msg(lang, 'wizard.later') }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: msg(lang, 'securityInfo.title') }),
  ).toBeVisible();

  const kind = (k: string) => msg(lang, `methods.kind.${k}`);
  const defaultLine = page.getByTestId('default-method');
  await expect(defaultLine).toContainText(kind('authenticatorApp'));
  await page.getByTestId('change-default').click();
  const dialog = page.getByRole('dialog', {
    name: msg(lang, 'securityInfo.changeDefaultDialog.title'),
  });
  const radios = dialog.getByRole('radio');
  // App and phone call — never email (DESIGN.md §1).
  await expect(radios).toHaveCount(2);
  await expect(dialog).not.toContainText(kind('email'));
  await page.screenshot({ path: 'test/artifacts/security-info-en-03-change-default.png' });
  await expectAccessible(page, 'change default dialog');
  await dialog
    .locator('label', { hasText: kind('phoneCall') })
    .getByRole('radio')
    .check();
  await dialog.getByTestId('change-default-confirm').click();
  await expect(dialog).toBeHidden();
  await expect(defaultLine).toContainText(kind('phoneCall'));
  await expect(page.getByRole('status').filter({ hasText: kind('phoneCall') })).toBeVisible();

  // The registration notice opens the wizard again.
  await page.getByTestId('open-wizard').click();
  await expect(
    page.getByRole('heading', { level: 1, name: msg(lang, 'wizard.title') }),
  ).toBeVisible();
});
