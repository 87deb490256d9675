/**
 * Lifting an operator's password lock from "Mitt konto" (docs/SECURITY-REVIEW.md "Operator
 * password guessing"): an operator signed in with a password is told that it takes a security
 * key sign-in. (The lock, its lifting with a key, and the backoff are covered with the injected
 * clock in test/integration/station/operatorPasswordGuessing.test.ts.)
 */
import WebSocket from 'ws';
import { msg } from './methods-support';
import { expect, test, type RunningStation } from './station';

const PASSWORD = 'ett-långt-lösenord-42';

async function contractCall(station: RunningStation, call: string, args: object): Promise<unknown> {
  const url = new URL(station.url);
  const ws = new WebSocket(
    `ws://${url.host}/api?token=${encodeURIComponent(url.searchParams.get('token') ?? '')}`,
    { headers: { Origin: url.origin } },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const answer = new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(d))));
    ws.send(JSON.stringify({ id: 1, call: `ks:${call}`, args }));
    return (JSON.parse(await answer) as { result: unknown }).result;
  } finally {
    ws.close();
  }
}

test('an operator signed in with a password is told that lifting a lock takes a security key', async ({
  page,
  station,
}, testInfo) => {
  expect(
    await contractCall(station, 'operator.setup', {
      username: 'bo.operator',
      displayName: 'Bo Operatör',
      password: PASSWORD,
      mode: 'demo',
      organizationName: 'Exempelkommunen',
      rpId: 'login.exempel.se',
      rpName: 'Exempelkommunen',
      requiredCount: 2,
      requireSecurityKey: false,
      kioskIdleSeconds: 120,
    }),
  ).toMatchObject({ ok: true });
  await contractCall(station, 'operator.signOut', {});

  await page.goto(`${station.url}#/operator/account`);
  await page.getByRole('radio', { name: msg('sv', 'operator.signIn.withPassword') }).check();
  await page.getByLabel(msg('sv', 'operator.signIn.username'), { exact: true }).fill('bo.operator');
  await page
    .getByRole('textbox', { name: msg('sv', 'operator.signIn.password'), exact: true })
    .fill(PASSWORD);
  await page.getByRole('button', { name: msg('sv', 'operator.signIn.submit') }).click();
  await expect(page.getByTestId('signed-in-operator')).toContainText('Bo Operatör');
  await page.getByRole('link', { name: msg('sv', 'operator.nav.account'), exact: true }).click();

  await expect(
    page.getByRole('heading', { level: 2, name: msg('sv', 'operator.account.liftLockTitle') }),
  ).toBeVisible();
  await page.getByLabel(msg('sv', 'operator.account.liftLockUser')).fill('eva.operator');
  await page.getByRole('button', { name: msg('sv', 'operator.account.liftLock') }).click();
  await expect(
    page.getByRole('alert').filter({ hasText: msg('sv', 'errors.station.operator.keyRequired') }),
  ).toBeVisible();
  const path = testInfo.outputPath('lift-lock-key-required.png');
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach('lift-lock-key-required', { path, contentType: 'image/png' });
});
