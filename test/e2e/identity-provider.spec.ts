/**
 * The identity-provider link end to end (docs/IDP.md): the real renderer in Chromium against the
 * real station in browser mode and the local Graph test provider (test/support/graph-provider),
 * started here on 127.0.0.1 with its own test CA, which the station trusts through
 * NODE_EXTRA_CA_CERTS. The station's authority and Graph hosts point at it.
 *
 * An operator links a fresh station (a wrong secret and a missing permission first, each named
 * in plain words), pulls a group of 50, issues a pass; a person signs in at the kiosk with it and
 * registers the virtual key against the provider's challenge; after "Sync now" the provider
 * holds the key (asked directly) and the UI marks it "Confirmed in Entra ID"; the person deletes
 * their Authenticator phone sign-in, and it is gone at the provider. A hardware OATH token
 * activated at the desk is created, assigned and activated at the provider and marked confirmed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import WebSocket from 'ws';
import { GraphProvider, type SeededApp, type SeededTenant } from '../support/graph-provider';
import { expect, startStation, test, type RunningStation } from './station';
import { msg, startAddMethod } from './methods-support';
import {
  chooseKey,
  createPin,
  keyError,
  registerKey,
  toPinStep,
  touchVirtualKey,
} from './security-key-support';

const lang = 'sv' as const;
const OPERATOR = {
  username: 'ida.provider',
  name: 'Ida Provider',
  password: 'korrekt-häst-batteri-7',
};
const GROUP_SIZE = 50;
const shot = (name: string) => join('test', 'artifacts', `identity-provider-${name}.png`);

async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: shot(name), fullPage: true });
}

/** One contract call over the browser host's WebSocket. */
async function contractCall(
  station: RunningStation,
  call: string,
  args: Record<string, unknown>,
): Promise<{ ok: boolean; value?: unknown; error?: { kind: string; code: string } }> {
  const url = new URL(station.url);
  const token = url.searchParams.get('token') ?? '';
  const ws = new WebSocket(`ws://${url.host}/api?token=${encodeURIComponent(token)}`, {
    headers: { Origin: url.origin },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const answer = new Promise<string>((resolve) => {
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as { id?: number };
        if (m.id === 1) resolve(String(data));
      });
    });
    ws.send(JSON.stringify({ id: 1, call: `ks:${call}`, args }));
    return (JSON.parse(await answer) as { result: never }).result;
  } finally {
    ws.close();
  }
}

async function signInWithPassword(page: Page, container: Locator, submit: string): Promise<void> {
  await container.getByRole('radio', { name: msg(lang, 'operator.signIn.withPassword') }).check();
  await container
    .getByLabel(msg(lang, 'operator.signIn.username'), { exact: true })
    .fill(OPERATOR.username);
  await container
    .getByRole('textbox', { name: msg(lang, 'operator.signIn.password'), exact: true })
    .fill(OPERATOR.password);
  await container.getByRole('button', { name: submit }).click();
  await expect(page.getByTestId('signed-in-operator')).toContainText(OPERATOR.name);
}

async function kioskSignIn(page: Page, upn: string, pass: string): Promise<void> {
  await expect(
    page.getByRole('heading', { level: 1, name: msg(lang, 'kiosk.welcome.title') }),
  ).toBeVisible();
  await page.getByLabel(msg(lang, 'kiosk.welcome.upn')).fill(upn);
  await page.getByLabel(msg(lang, 'kiosk.welcome.pass')).fill(pass);
  await page.getByRole('button', { name: msg(lang, 'kiosk.welcome.submit'), exact: true }).click();
  await expect(page.getByTestId('kiosk-person')).toBeVisible();
}

/** Saves the connection form as it is filled in now. */
async function saveConnection(page: Page): Promise<void> {
  await page.getByTestId('idp-save').click();
  await expect(page.getByTestId('idp-linked')).toHaveText(msg(lang, 'operator.idp.linked'));
}

async function testConnection(page: Page): Promise<Locator> {
  await page.getByTestId('idp-test').click();
  const result = page.getByTestId('idp-test-result');
  await expect(result).toBeVisible({ timeout: 30_000 });
  return result;
}

interface World {
  provider: GraphProvider;
  tenant: SeededTenant;
  app: SeededApp;
  groupId: string;
  station: RunningStation & { stop(): Promise<void> };
  close(): Promise<void>;
}

/**
 * The test provider with a tenant, an app (secret, every Keystation permission) and a group of
 * `n` people with an Authenticator phone sign-in, a phone and an email each; a fresh demo
 * station that trusts the provider's CA (besides the system's roots), set up with an operator
 * who is signed out again.
 */
async function startWorld(n: number): Promise<World> {
  const provider = await GraphProvider.start({ idleTimeoutMs: 290_000, hardTimeoutMs: 300_000 });
  const tenant: SeededTenant = provider.addTenant();
  const app: SeededApp = tenant.addApp({ secret: true });
  const members = [];
  for (let i = 0; i < n; i++) {
    members.push(
      tenant.addUser({
        userPrincipalName: `person${i}@${tenant.domain}`,
        displayName: `Person ${String(i).padStart(2, '0')}`,
        methods: [
          { type: 'microsoftAuthenticator', displayName: `Telefon ${i}` },
          { type: 'phone', phoneNumber: '+46 701234567', phoneType: 'mobile' },
          { type: 'email', emailAddress: `privat${i}@example.org` },
        ],
      }),
    );
  }
  const group = tenant.addGroup({ displayName: 'Keystation pilot', members });
  const caDir = mkdtempSync(join(tmpdir(), 'ks-idp-ca-'));
  const caFile = join(caDir, 'ca.pem');
  const system = '/etc/ssl/certs/ca-certificates.crt';
  writeFileSync(
    caFile,
    `${existsSync(system) ? readFileSync(system, 'utf8') : ''}\n${provider.caPem}\n`,
  );
  const station = await startStation(['--demo'], { NODE_EXTRA_CA_CERTS: caFile });
  const setup = await contractCall(station, 'operator.setup', {
    username: OPERATOR.username,
    displayName: OPERATOR.name,
    password: OPERATOR.password,
    mode: 'demo',
    organizationName: 'Exempelkommunen',
    rpId: 'login.exempel.se',
    rpName: 'Exempelkommunen',
    requiredCount: 1,
    requireSecurityKey: true,
    kioskIdleSeconds: 300,
  });
  expect(setup.ok, JSON.stringify(setup)).toBe(true);
  await contractCall(station, 'operator.signOut', {});
  return {
    provider,
    tenant,
    app,
    groupId: group.id,
    station,
    async close() {
      await station.stop();
      await provider.close();
      rmSync(caDir, { recursive: true, force: true });
    },
  };
}

test('identity provider: link, pull 50, kiosk key confirmed at the provider, phone sign-in deleted there', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const world = await startWorld(GROUP_SIZE);
  const { provider, tenant, app, station } = world;
  const upn = `person7@${tenant.domain}`;
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    await page.goto(station.url);
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'operator.signIn.title') }),
    ).toBeVisible();
    await signInWithPassword(page, page.locator('main'), msg(lang, 'operator.signIn.submit'));

    // ---- A fresh station: not linked; the public cloud is the default ------------------
    await page
      .getByRole('link', { name: msg(lang, 'operator.nav.identityProvider'), exact: true })
      .click();
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'operator.idp.title') }),
    ).toBeVisible();
    await expect(page.getByTestId('idp-linked')).toHaveText(msg(lang, 'operator.idp.notLinked'));
    await expect(page.getByTestId('idp-authorityHost')).toHaveValue('login.microsoftonline.com');
    await expect(page.getByTestId('idp-graphHost')).toHaveValue('graph.microsoft.com');
    await snap(page, '01-not-linked');

    // ---- Linked with a wrong secret: "Test connection" says so in plain words ----------
    await page.getByTestId('idp-tenantId').fill(tenant.id);
    await page.getByTestId('idp-clientId').fill(app.appId);
    await page.getByTestId('idp-secret').fill('inte-den-rätta-hemligheten');
    await page.getByTestId('idp-groupId').fill(world.groupId);
    await page.getByText(msg(lang, 'operator.idp.hosts')).click();
    await page.getByTestId('idp-authorityHost').fill(provider.authorityHost);
    await page.getByTestId('idp-graphHost').fill(provider.graphUrl);
    await saveConnection(page);
    let result = await testConnection(page);
    await expect(result).toContainText(msg(lang, 'operator.idp.testFailed'));
    await expect(result).toContainText(msg(lang, 'errors.station.idp.badCredential'));
    await snap(page, '02-wrong-secret');

    // ---- The right secret, but the app lacks a permission: it is named -----------------
    await page.getByTestId('idp-secret').fill(app.secret ?? '');
    await saveConnection(page);
    await expect(page.getByTestId('idp-secret')).toHaveValue('');
    app.revoke('GroupMember.Read.All');
    try {
      result = await testConnection(page);
      await expect(result).toContainText(
        msg(lang, 'errors.station.idp.missingPermission', { permission: 'GroupMember.Read.All' }),
      );
      await snap(page, '03-missing-permission');
    } finally {
      app.grant('GroupMember.Read.All');
    }
    result = await testConnection(page);
    await expect(result).toContainText(msg(lang, 'operator.idp.testOk'));

    // ---- Pull the group of 50 --------------------------------------------------------
    await page.getByTestId('idp-pull').click();
    // Everyone is new; the method count depends on what the provider adds (a password).
    const pulled = msg(lang, 'operator.idp.pulled', {
      people: GROUP_SIZE,
      created: GROUP_SIZE,
      updated: 0,
      left: 0,
    }).split('{methods}')[0];
    await expect(page.getByTestId('idp-pull-result')).toContainText(pulled, { timeout: 60_000 });
    const pullText = await page.getByTestId('idp-pull-result').innerText();
    const methodsRead = Number(
      /\d+/.exec(pullText.slice(pullText.indexOf(pulled) + pulled.length)),
    );
    expect(methodsRead).toBeGreaterThanOrEqual(3 * GROUP_SIZE);
    await snap(page, '04-pulled');

    // ---- The person's page: methods in Entra ID; a multi-use pass ------------------------
    await page.getByRole('link', { name: msg(lang, 'operator.nav.roster'), exact: true }).click();
    await page.getByLabel(msg(lang, 'operator.roster.search')).fill('Person 07');
    await page.getByTestId('roster').getByRole('link', { name: 'Person 07' }).click();
    await expect(page.getByTestId('person-upn')).toHaveText(upn);
    const personId = decodeURIComponent(/people\/([^/]+)$/.exec(page.url())?.[1] ?? '');
    const where = page.getByTestId('person-methods-where');
    const authenticatorRow = where.locator('tr[data-type="microsoftAuthenticator"]');
    await expect(authenticatorRow).toContainText('Telefon 7');
    await expect(authenticatorRow).toContainText(msg(lang, 'securityInfo.where.provider'));
    await page.getByLabel(msg(lang, 'passes.oneTimeLabel')).uncheck();
    await page.getByRole('button', { name: msg(lang, 'passes.issue') }).click();
    const pass = (await page.getByTestId('pass-code').innerText()).trim();
    await snap(page, '05-person-in-entra');

    // ---- Kiosk: the person signs in with the pass and registers the virtual key ------------
    await page.getByRole('button', { name: msg(lang, 'operator.nav.startKiosk') }).click();
    await kioskSignIn(page, upn, pass);
    await page.getByTestId('wizard-prompt-next').click();
    const step = page.getByTestId('wizard-step');
    await expect(step).toHaveAttribute('data-kind', 'securityKey');
    await registerKey(page, step, lang, 'Kioskens nyckel', { screenshots: 'identity-provider-06' });
    await step.getByRole('button', { name: msg(lang, 'common.done') }).click();
    await page
      .getByTestId('wizard-success')
      .getByRole('button', { name: msg(lang, 'wizard.done') })
      .click();
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'kiosk.done.title') }),
    ).toBeVisible();
    await page.getByRole('button', { name: msg(lang, 'kiosk.done.next') }).click();

    // ---- The operator syncs: the provider holds the key --------------------------------
    await page.getByRole('button', { name: msg(lang, 'kiosk.unlock.open') }).click();
    await signInWithPassword(page, page.locator('main'), msg(lang, 'kiosk.unlock.submit'));
    await page.goto(`${station.origin}/#/operator/identity-provider`);
    await page.getByTestId('idp-sync').click();
    await expect(page.getByTestId('idp-count-confirmed')).toHaveText('1', { timeout: 30_000 });
    await expect(page.getByTestId('idp-count-pending')).toHaveText('0');
    await expect(page.getByTestId('idp-count-failed')).toHaveText('0');
    await snap(page, '07-synced');
    // Asked at the provider itself: exactly one passkey, the one made at the kiosk.
    expect(tenant.fido2Credentials(upn)).toHaveLength(1);

    // The dashboard counts it as registered in Entra ID (confirmed methods only).
    await page
      .getByRole('link', { name: msg(lang, 'operator.nav.dashboard'), exact: true })
      .click();
    await expect(page.getByTestId('dashboard-provider-confirmed')).toHaveText(
      msg(lang, 'operator.dashboard.provider.confirmed', { methods: 1, people: 1 }),
    );
    await page.getByTestId('dashboard-provider').scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('08-dashboard') });

    // ---- Back at the kiosk: the key is confirmed; the lost phone's sign-in is deleted -----
    await page.getByRole('button', { name: msg(lang, 'operator.nav.startKiosk') }).click();
    await kioskSignIn(page, upn, pass);
    const methods = page.getByTestId('methods');
    const keyRow = methods.locator('tr[data-kind="securityKey"]');
    await expect(keyRow.getByTestId('method-where')).toHaveText(
      msg(lang, 'securityInfo.where.confirmed'),
    );
    const providerTable = page.getByTestId('provider-methods');
    await expect(providerTable.locator('tr[data-type="microsoftAuthenticator"]')).toContainText(
      msg(lang, 'securityInfo.where.provider'),
    );
    await expect(page.getByTestId('provider-stays-local')).toHaveText(
      msg(lang, 'securityInfo.provider.staysLocal'),
    );
    await snap(page, '09-kiosk-security-info');
    await providerTable
      .locator('tr[data-type="microsoftAuthenticator"]')
      .getByRole('button', { name: msg(lang, 'securityInfo.delete') })
      .click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText(msg(lang, 'securityInfo.provider.deleteWarning'));
    await expect(dialog.getByTestId('provider-delete-cancel')).toBeFocused();
    await page.screenshot({ path: shot('10-delete-confirm') });
    await dialog.getByTestId('provider-delete-confirm').click();
    // Sent by the station's worker at once: gone at the provider.
    await expect
      .poll(() => tenant.methods(upn, 'microsoftAuthenticator').length, { timeout: 30_000 })
      .toBe(0);
    expect(tenant.methods(upn, 'phone')).toHaveLength(1);
    // Once confirmed, it leaves the page too.
    await expect(async () => {
      const r = await contractCall(station, 'identityProvider.person', { personId });
      expect(
        (r.value as { providerMethods: { type: string }[] }).providerMethods.map((m) => m.type),
      ).not.toContain('microsoftAuthenticator');
    }).toPass({ timeout: 30_000 });
    await page.reload();
    await expect(page.getByTestId('provider-methods')).toBeVisible();
    await expect(
      page.getByTestId('provider-methods').locator('tr[data-type="microsoftAuthenticator"]'),
    ).toHaveCount(0);
    await snap(page, '11-deleted');
    expect(pageErrors).toEqual([]);
  } finally {
    await world.close();
  }
});

test("the operator's key for a linked person: an expired provider challenge, a new one with one click (en)", async ({
  page,
}) => {
  test.setTimeout(240_000);
  const en = 'en' as const;
  const world = await startWorld(3);
  const { provider, tenant, app, station } = world;
  const upn = `person1@${tenant.domain}`;
  provider.clock.skew(-6 * 60_000);
  try {
    await page.goto(station.url);
    const select = page.getByTestId('language-select');
    await expect(async () => {
      await select.selectOption(en);
      await expect(page.locator('html')).toHaveAttribute('lang', en, { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    const main = page.locator('main');
    await main.getByRole('radio', { name: msg(en, 'operator.signIn.withPassword') }).check();
    await main
      .getByLabel(msg(en, 'operator.signIn.username'), { exact: true })
      .fill(OPERATOR.username);
    await main
      .getByRole('textbox', { name: msg(en, 'operator.signIn.password'), exact: true })
      .fill(OPERATOR.password);
    await main.getByRole('button', { name: msg(en, 'operator.signIn.submit') }).click();
    await expect(page.getByTestId('signed-in-operator')).toBeVisible();
    // Linked and pulled through the contract (the first test does it through the page).
    const saved = await contractCall(station, 'identityProvider.saveConnection', {
      tenantId: tenant.id,
      clientId: app.appId,
      credentialKind: 'secret',
      secret: app.secret,
      authorityHost: provider.authorityHost,
      graphHost: provider.graphUrl,
      groupId: world.groupId,
    });
    expect(saved.ok, JSON.stringify(saved)).toBe(true);
    const pulled = await contractCall(station, 'identityProvider.pull', {});
    expect(pulled.value).toMatchObject({ people: 3, created: 3 });
    const person = await contractCall(station, 'people.search', { query: 'Person 01' });
    const personId = (person.value as { people: { id: string; upn: string }[] }).people.find(
      (p) => p.upn === upn,
    )?.id;
    expect(personId).toBeTruthy();

    // (The provider's clock runs six minutes behind from the start, tokens included: its
    // five-minute challenges are over when the station gets them.)
    await page.goto(`${station.origin}/#/people/${personId}/security-info`);
    await page.getByRole('button', { name: msg(en, 'wizard.later') }).click();
    const dialog = await startAddMethod(page, en, 'securityKey');
    await chooseKey(dialog, en);
    await toPinStep(dialog, en);
    await createPin(dialog, en);
    await expect(keyError(dialog)).toContainText(msg(en, 'errors.station.idp.challengeExpired'));
    await expect(keyError(dialog)).toContainText(msg(en, 'securityKey.next.idp.challengeExpired'));
    const again = dialog.getByRole('button', {
      name: msg(en, 'securityKey.errorStep.newChallenge'),
    });
    await expect(again).toBeVisible();
    await page.screenshot({ path: shot('20-challenge-expired') });

    // Its clock put right: one click gets a new challenge, and the key is made against it.
    provider.clock.skew(0);
    await again.click();
    await touchVirtualKey(dialog, en);
    await dialog.getByLabel(msg(en, 'securityKey.name.label')).fill('Desk key');
    await dialog.getByRole('button', { name: msg(en, 'common.next') }).click();
    await touchVirtualKey(dialog, en);
    await expect(dialog).toContainText(
      msg(en, 'securityKey.done.registered', { name: 'Desk key' }),
    );
    await page.screenshot({ path: shot('21-new-challenge-done') });
    await dialog.getByRole('button', { name: msg(en, 'common.done') }).click();

    const synced = await contractCall(station, 'identityProvider.sync', {});
    expect(synced.ok, JSON.stringify(synced)).toBe(true);
    await expect.poll(() => tenant.fido2Credentials(upn).length, { timeout: 30_000 }).toBe(1);
    await page.reload();
    await expect(
      page
        .getByTestId('methods')
        .locator('tr[data-kind="securityKey"]')
        .getByTestId('method-where'),
    ).toHaveText(msg(en, 'securityInfo.where.confirmed'));
    await page.screenshot({ path: shot('22-confirmed-en'), fullPage: true });
  } finally {
    await world.close();
  }
});

test('a hardware OATH token activated at the desk is created, assigned and activated at the provider, then marked confirmed', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const world = await startWorld(3);
  const { provider, tenant, app, station } = world;
  const upn = `person2@${tenant.domain}`;
  const serial = 'HW-E2E-0001';
  const secret = 'MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK';
  try {
    await page.goto(station.url);
    await signInWithPassword(page, page.locator('main'), msg(lang, 'operator.signIn.submit'));
    await expect(page.getByTestId('signed-in-operator')).toBeVisible();
    // Linked, pulled and the token inventory loaded through the contract.
    const saved = await contractCall(station, 'identityProvider.saveConnection', {
      tenantId: tenant.id,
      clientId: app.appId,
      credentialKind: 'secret',
      secret: app.secret,
      authorityHost: provider.authorityHost,
      graphHost: provider.graphUrl,
      groupId: world.groupId,
    });
    expect(saved.ok, JSON.stringify(saved)).toBe(true);
    const pulled = await contractCall(station, 'identityProvider.pull', {});
    expect(pulled.value).toMatchObject({ people: 3 });
    const imported = await contractCall(station, 'roster.importOathTokens', {
      csv: `upn,serial number,secret key,time interval,manufacturer,model\n${upn},${serial},${secret},30,Keystation Test,OTP c200\n`,
    });
    expect(imported.value, JSON.stringify(imported)).toMatchObject({ imported: 1 });
    const found = await contractCall(station, 'people.search', { query: 'Person 02' });
    const personId = (found.value as { people: { id: string; upn: string }[] }).people.find(
      (p) => p.upn === upn,
    )?.id;
    expect(personId).toBeTruthy();

    // The person activates the token at the desk with the code it shows now.
    await page.goto(`${station.origin}/#/people/${personId}/security-info`);
    await page.getByRole('button', { name: msg(lang, 'wizard.later') }).click();
    const dialog = await startAddMethod(page, lang, 'hardwareToken');
    await expect(dialog.getByLabel(msg(lang, 'oath.serial'))).toHaveValue(serial);
    const totp = new TOTP({
      secret: Secret.fromBase32(secret),
      period: 30,
      digits: 6,
      algorithm: 'SHA1',
    });
    await dialog.getByLabel(msg(lang, 'oath.code')).fill(totp.generate());
    await dialog.getByRole('button', { name: msg(lang, 'oath.activate') }).click();
    await expect(
      dialog.getByRole('heading', { name: msg(lang, 'oath.success.heading') }),
    ).toBeVisible();
    await dialog.getByRole('button', { name: msg(lang, 'common.done') }).click();
    const where = page
      .getByTestId('methods')
      .locator('tr[data-kind="hardwareToken"]')
      .getByTestId('method-where');
    // Online, the station sends it at once: being sent, or already confirmed.
    await expect(where).toHaveText(
      new RegExp(
        `^(${[msg(lang, 'securityInfo.where.waiting'), msg(lang, 'securityInfo.where.confirmed')]
          .map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('|')})$`,
      ),
    );
    await page.screenshot({ path: shot('30-oath-activated'), fullPage: true });

    // Synced: the provider holds the token, assigned to the person and activated.
    const synced = await contractCall(station, 'identityProvider.sync', {});
    expect(synced.ok, JSON.stringify(synced)).toBe(true);
    await expect
      .poll(
        () =>
          tenant
            .hardwareOathDevices()
            .filter((d) => d.serialNumber === serial && d.status === 'activated').length,
        { timeout: 30_000 },
      )
      .toBe(1);
    expect(tenant.methods(upn, 'hardwareOath')).toHaveLength(1);
    expect(tenant.hardwareOathDevices().find((d) => d.serialNumber === serial)).toMatchObject({
      assignedToUserId: tenant.user(upn).id,
    });
    await page.reload();
    await page.getByRole('button', { name: msg(lang, 'wizard.later') }).click();
    await expect(where).toHaveText(msg(lang, 'securityInfo.where.confirmed'));
    await page.screenshot({ path: shot('31-oath-confirmed'), fullPage: true });
  } finally {
    await world.close();
  }
});
