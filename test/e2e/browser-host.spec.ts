import { artifact, expect, test } from './station';

test('the page is refused without the token, served with it', async ({ request, station }) => {
  const bare = await request.get(`${station.origin}/`, { maxRedirects: 0 });
  expect([401, 403]).toContain(bare.status());
  const withToken = await request.get(station.url);
  expect(withToken.status()).toBe(200);
  expect(await withToken.text()).toContain('<div id="root">');
  expect(withToken.headers()['content-security-policy']).toContain("script-src 'self'");
});

test('keyboard only: search, open a person with incomplete registration, dark theme', async ({
  page,
  station,
}) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(station.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Välj person' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');

  // Skip link first, then the header controls, then the search field.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Hoppa till innehållet' })).toBeFocused();
  const search = page.getByLabel('Sök efter namn, användarnamn eller avdelning');
  await search.focus();
  await page.keyboard.type('Lars');
  const lars = page.getByRole('link', { name: /Lars Nilsson/ });
  await expect(page.getByRole('link', { name: /Anna Svensson/ })).toHaveCount(0);
  await page.keyboard.press('Tab');
  await expect(lars).toBeFocused();
  await page.screenshot({ path: artifact('04-roster-keyboard-dark'), fullPage: true });
  await page.keyboard.press('Enter');

  // Lars has no methods: the "Protect your account" wizard opens first with its "More
  // information required" prompt (DESIGN.md §3.2); "Set up later" leads to his Security info page.
  await expect(page.getByRole('heading', { level: 1, name: 'Skydda ditt konto' })).toBeVisible();
  const prompt = page.getByTestId('wizard-prompt');
  await expect(prompt.getByRole('heading', { name: 'Mer information krävs' })).toBeVisible();
  await page.getByRole('button', { name: 'Konfigurera senare' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Säkerhetsinformation' })).toBeVisible();
  await expect(page.getByText('Registreringen är inte klar. Det här saknas:')).toBeVisible();
  await expect(page.getByText('Inga metoder har registrerats ännu.')).toBeVisible();
  await expect(page.getByTestId('default-method')).toHaveText('Ingen ännu');
  await page.screenshot({ path: artifact('05-security-info-incomplete-dark'), fullPage: true });

  // The theme toggle overrides the system preference.
  await page.getByLabel('Tema').selectOption('light');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});

test('an unknown person id gets a translated message, not a crash', async ({ page, station }) => {
  await page.goto(station.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Välj person' })).toBeVisible();
  await page.evaluate(() => (window.location.hash = '#/people/999999/security-info'));
  await expect(page.getByRole('main').getByRole('alert')).toContainText(
    'Personen finns inte i registret.',
  );
  await page.screenshot({ path: artifact('06-unknown-person'), fullPage: true });
});

test('the printed address works once: a second browser with it is refused, the first keeps its session', async ({
  page,
  browser,
  station,
}, testInfo) => {
  const printed = station.url;
  await page.goto(printed);
  await expect(page.getByRole('heading', { level: 1, name: 'Välj person' })).toBeVisible();
  expect(page.url()).not.toContain('token=');

  // Someone who copied the address (shell history, a screenshot) gets nothing.
  const other = await browser.newContext();
  try {
    const thief = await other.newPage();
    const refused = await thief.goto(printed);
    expect(refused?.status()).toBe(403);
    await expect(thief.locator('body')).toContainText('already used');
    await thief.screenshot({ path: testInfo.outputPath('token-reused-refused.png') });
    await testInfo.attach('token-reused-refused', {
      path: testInfo.outputPath('token-reused-refused.png'),
      contentType: 'image/png',
    });
  } finally {
    await other.close();
  }

  // The browser that used it still works, reloads included (its separate session cookie).
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Välj person' })).toBeVisible();
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name.startsWith('ks_session_'));
  expect(session?.httpOnly).toBe(true);
  expect(session?.value).not.toBe(new URL(printed).searchParams.get('token'));
});
