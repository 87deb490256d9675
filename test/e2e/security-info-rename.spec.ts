/**
 * "Byt namn" / "Rename" for an authenticator app on the Security info page (DESIGN.md §3.1), in
 * Swedish and English: the name field opens in the app's row with focus, hostile names (too
 * long, control characters) are refused in the page's language and nothing changes, a good name
 * shows in the list, in the toast and in the default-method choice; other kinds have no rename.
 * A hardware token is renamed the same way and keeps its serial; a blank name takes the name away.
 * Screenshots: test/artifacts/rename-<lang>-*.png.
 */
import { Secret, TOTP } from 'otpauth';
import { DEMO_OATH_TOKENS } from '../../main/station/demoSeed';
import { methodRows, msg, startAddMethod, type Lang } from './methods-support';
import { openPerson } from './security-key-support';
import { expect, test } from './station';

const shot = (lang: Lang, name: string) => `test/artifacts/rename-${lang}-${name}.png`;
const NAMES: Record<Lang, string> = { sv: 'Jobbtelefonen', en: 'Work phone' };

for (const lang of ['sv', 'en'] as const) {
  test(`${lang}: an authenticator app is renamed in its row; hostile names are refused`, async ({
    page,
    station,
  }) => {
    test.setTimeout(120_000);
    const kind = msg(lang, 'methods.kind.authenticatorApp');
    await openPerson(page, station, 'Erik Johansson', lang, 'wizard.title');
    await page.getByRole('button', { name: msg(lang, 'wizard.later') }).click();
    await expect(page.getByTestId('methods')).toBeVisible();

    const app = methodRows(page, lang, 'authenticatorApp');
    await expect(app).toHaveCount(1);
    // Only apps and tokens have it: not the phone or the email.
    await expect(page.getByTestId('rename-method')).toHaveCount(1);
    await app
      .getByRole('button', { name: msg(lang, 'securityInfo.rename.actionFor', { method: kind }) })
      .click();

    const form = app.getByTestId('rename-form');
    const field = form.getByLabel(msg(lang, 'securityInfo.rename.label.authenticatorApp'));
    await expect(field).toBeFocused();
    const save = form.getByRole('button', { name: msg(lang, 'securityInfo.rename.save') });
    const refused = msg(lang, 'errors.station.method.nameInvalid', { max: 64 });

    // Too long: refused in words, the row still open, nothing stored.
    await field.fill('x'.repeat(65));
    await save.click();
    await expect(form.getByRole('alert')).toHaveText(refused);
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    await page.screenshot({ path: shot(lang, '01-too-long'), fullPage: true });
    // A control character (a bell pasted into the field): refused the same way.
    await field.fill('Jobb\u0007telefon');
    await save.click();
    await expect(form.getByRole('alert')).toHaveText(refused);
    await form.getByRole('button', { name: msg(lang, 'common.cancel') }).click();
    await expect(form).toHaveCount(0);
    await expect(app.getByTestId('method-detail')).toHaveText('–');

    // A good name: saved, shown in the row and said in the toast.
    await app
      .getByRole('button', { name: msg(lang, 'securityInfo.rename.actionFor', { method: kind }) })
      .click();
    await field.fill(`  ${NAMES[lang]} `);
    await page.screenshot({ path: shot(lang, '02-typing'), fullPage: true });
    await save.click();
    await expect(form).toHaveCount(0);
    await expect(app.getByTestId('method-detail')).toHaveText(NAMES[lang]);
    await expect(
      page.getByText(
        msg(lang, 'securityInfo.rename.renamed', { method: `${kind} – ${NAMES[lang]}` }),
      ),
    ).toBeVisible();
    await page.screenshot({ path: shot(lang, '03-renamed'), fullPage: true });

    // The default-method choice names it too.
    await page.getByTestId('change-default').click();
    const dialog = page.getByRole('dialog', {
      name: msg(lang, 'securityInfo.changeDefaultDialog.title'),
    });
    await expect(
      dialog.getByRole('radio', { name: `${kind} – ${NAMES[lang]}`, exact: false }),
    ).toBeVisible();
    await page.screenshot({ path: shot(lang, '04-default-choice'), fullPage: true });
    await dialog.getByRole('button', { name: msg(lang, 'common.cancel') }).click();

    // After a reload the name is still there: it was stored.
    await page.reload();
    const later = page.getByRole('button', { name: msg(lang, 'wizard.later') });
    await expect(page.getByTestId('methods').or(later)).toBeVisible();
    if (await later.isVisible()) await later.click();
    await expect(
      methodRows(page, lang, 'authenticatorApp').getByTestId('method-detail'),
    ).toHaveText(NAMES[lang]);
  });
}

test('en: a hardware token is renamed and keeps its serial; a blank name takes the name away', async ({
  page,
  station,
}) => {
  test.setTimeout(120_000);
  const lang: Lang = 'en';
  const demoToken = DEMO_OATH_TOKENS.find((t) => t.upn.startsWith('lars.nilsson'));
  if (!demoToken) throw new Error('demo token missing');
  await openPerson(page, station, 'Lars Nilsson', lang, 'wizard.title');
  await page.getByRole('button', { name: msg(lang, 'wizard.later') }).click();
  const oath = await startAddMethod(page, lang, 'hardwareToken');
  await oath.getByLabel(msg(lang, 'oath.serial')).fill(demoToken.serial);
  await oath.getByLabel(msg(lang, 'oath.code')).fill(
    new TOTP({
      secret: Secret.fromBase32(demoToken.secretBase32),
      period: demoToken.period,
      digits: 6,
      algorithm: 'SHA1',
    }).generate(),
  );
  await oath.getByRole('button', { name: msg(lang, 'oath.activate') }).click();
  await oath.getByRole('button', { name: msg(lang, 'common.done'), exact: true }).click();
  const row = methodRows(page, lang, 'hardwareToken');
  await expect(row.getByTestId('method-detail')).toHaveText(demoToken.serial);

  await row.getByTestId('rename-method').click();
  const form = row.getByTestId('rename-form');
  const field = form.getByLabel(msg(lang, 'securityInfo.rename.label.hardwareToken'));
  await expect(field).toBeFocused();
  await field.fill('Key ring');
  await form.getByRole('button', { name: msg(lang, 'securityInfo.rename.save') }).click();
  await expect(row.getByTestId('method-detail')).toHaveText(`Key ring (${demoToken.serial})`);
  await page.screenshot({ path: shot(lang, '05-token-renamed'), fullPage: true });

  // Blank: the name goes, the serial stays.
  await row.getByTestId('rename-method').click();
  await expect(field).toHaveValue('Key ring');
  await field.fill('   ');
  await form.getByRole('button', { name: msg(lang, 'securityInfo.rename.save') }).click();
  await expect(row.getByTestId('method-detail')).toHaveText(demoToken.serial);
});
