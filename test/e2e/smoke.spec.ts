import { artifact, expect, test } from './station';

test('open the station, see a demo person’s security info in Swedish, switch to English', async ({
  page,
  station,
}) => {
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));

  await page.goto(station.url);
  // The token left the address bar (303 to a cookie).
  expect(new URL(page.url()).searchParams.get('token')).toBeNull();

  await expect(page.getByRole('heading', { level: 1, name: 'Välj person' })).toBeVisible();
  await expect(page.getByText('Demoläge')).toBeVisible();
  await page.getByLabel('Sök efter namn, användarnamn eller avdelning').fill('Anna');
  const anna = page.getByRole('link', { name: /Anna Svensson/ });
  await expect(anna).toBeVisible();
  // The roster search narrowed the list (search-as-you-type through the contract).
  await expect(page.getByRole('link', { name: /Erik Johansson/ })).toHaveCount(0);
  await expect(page.getByRole('main').getByText('1 person', { exact: true })).toBeVisible();
  await page.screenshot({ path: artifact('01-roster-sv'), fullPage: true });

  await anna.click();
  await expect(page.getByRole('heading', { level: 1, name: 'Säkerhetsinformation' })).toBeVisible();
  await expect(page.getByTestId('person-heading')).toContainText('Anna Svensson');
  const methods = page.getByTestId('methods');
  // Anna's demo methods come from SQLite through the contract (main/station/demoSeed.ts).
  await expect(methods.getByRole('rowheader', { name: 'Säkerhetsnyckel' })).toBeVisible();
  await expect(methods.getByRole('rowheader', { name: 'Autentiseringsapp' })).toBeVisible();
  await expect(methods.getByRole('rowheader', { name: 'Telefon (sms)' })).toBeVisible();
  await expect(page.getByText('Standardinloggningsmetod:')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Lägg till metod' })).toBeVisible();
  await page.screenshot({ path: artifact('02-security-info-sv'), fullPage: true });

  await page.getByTestId('language-select').selectOption('en');
  await expect(page.getByRole('heading', { level: 1, name: 'Security info' })).toBeVisible();
  await expect(methods.getByRole('rowheader', { name: 'Security key' })).toBeVisible();
  await expect(page.getByText('Default sign-in method:')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.screenshot({ path: artifact('03-security-info-en'), fullPage: true });

  // The choice is a setting: it survives a reload.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Security info' })).toBeVisible();

  expect(consoleErrors).toEqual([]);
});
