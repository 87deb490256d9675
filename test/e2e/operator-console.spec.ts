/**
 * The rest of the operator console (DESIGN.md §2, §3.7, §6) in Chromium against the real station:
 * password sign-in, add / edit a person, department filter, policy editor validation (the
 * renderer's zod messages and main's second check), audit CSV export, pass revoke, lock after
 * idle; and a production first run (virtual key refused, demo people hidden).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import WebSocket from 'ws';
import { expect, startStation, test, type RunningStation } from './station';
import { msg } from './methods-support';

const lang = 'sv' as const;
const PASSWORD = 'ett-långt-lösenord-42';
const shot = (name: string) => join('test', 'artifacts', `operator-console-${name}.png`);

async function contractCall(
  station: RunningStation,
  call: string,
  args: Record<string, unknown>,
): Promise<{ ok: boolean; value?: unknown; error?: { kind: string; code: string } }> {
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
    const answer = new Promise<string>((resolve) => {
      ws.on('message', (data) => {
        if ((JSON.parse(String(data)) as { id?: number }).id === 1) resolve(String(data));
      });
    });
    ws.send(JSON.stringify({ id: 1, call: `ks:${call}`, args }));
    return (JSON.parse(await answer) as { result: never }).result;
  } finally {
    ws.close();
  }
}

async function setUp(station: RunningStation, mode: 'demo' | 'production'): Promise<void> {
  const r = await contractCall(station, 'operator.setup', {
    username: 'bo.operator',
    displayName: 'Bo Operatör',
    password: PASSWORD,
    mode,
    organizationName: 'Exempelkommunen',
    rpId: 'login.exempel.se',
    rpName: 'Exempelkommunen',
    requiredCount: 2,
    requireSecurityKey: true,
    kioskIdleSeconds: 120,
  });
  expect(r.ok).toBe(true);
  await contractCall(station, 'operator.signOut', {});
}

async function signInWithPassword(page: Page): Promise<void> {
  await expect(
    page.getByRole('heading', { level: 1, name: msg(lang, 'operator.signIn.title') }),
  ).toBeVisible();
  await page.getByRole('radio', { name: msg(lang, 'operator.signIn.withPassword') }).check();
  await page.getByLabel(msg(lang, 'operator.signIn.username'), { exact: true }).fill('bo.operator');
  await page
    .getByRole('textbox', { name: msg(lang, 'operator.signIn.password'), exact: true })
    .fill(PASSWORD);
  await page.getByRole('button', { name: msg(lang, 'operator.signIn.submit') }).click();
  await expect(page.getByTestId('signed-in-operator')).toContainText('Bo Operatör');
}

test('roster, person record, policy validation, audit export, pass revoke, idle lock', async ({
  page,
}) => {
  process.env.KEYSTATION_OPERATOR_IDLE_SECONDS = '8';
  const station = await startStation(['--demo']);
  delete process.env.KEYSTATION_OPERATOR_IDLE_SECONDS;
  try {
    await setUp(station, 'demo');
    await page.goto(station.url);
    // A wrong password is refused with a plain message.
    await page.getByRole('radio', { name: msg(lang, 'operator.signIn.withPassword') }).check();
    await page
      .getByLabel(msg(lang, 'operator.signIn.username'), { exact: true })
      .fill('bo.operator');
    await page
      .getByRole('textbox', { name: msg(lang, 'operator.signIn.password'), exact: true })
      .fill('fel-lösenord-fel');
    await page.getByRole('button', { name: msg(lang, 'operator.signIn.submit') }).click();
    await expect(
      page
        .getByRole('alert')
        .filter({ hasText: msg(lang, 'operator.errors.station.operator.invalidCredentials') }),
    ).toBeVisible();
    await page.reload();
    await signInWithPassword(page);

    // Add a person, then find them by department.
    await page.getByRole('link', { name: msg(lang, 'operator.nav.roster'), exact: true }).click();
    await page.getByRole('button', { name: msg(lang, 'operator.roster.add') }).click();
    const add = page.getByRole('dialog', { name: msg(lang, 'operator.roster.addTitle') });
    await add.getByLabel(msg(lang, 'operator.roster.upn')).fill('kim.ny@exempel.se');
    await add.getByLabel(msg(lang, 'operator.roster.displayName'), { exact: true }).fill('Kim Ny');
    await add.getByLabel(msg(lang, 'operator.roster.department')).fill('Nybyggnad');
    await add.getByRole('button', { name: msg(lang, 'operator.roster.add') }).click();
    await expect(page.getByTestId('person-upn')).toHaveText('kim.ny@exempel.se');
    await page.getByLabel(msg(lang, 'operator.roster.mobile')).fill('+46 70 111 22 33');
    await page.getByRole('button', { name: msg(lang, 'operator.person.save') }).click();
    await expect(page.getByText(msg(lang, 'operator.person.saved'))).toBeVisible();

    await page.getByRole('link', { name: msg(lang, 'operator.nav.roster'), exact: true }).click();
    await page.getByTestId('department-filter').selectOption('Nybyggnad');
    const roster = page.getByTestId('roster');
    await expect(roster.getByRole('link')).toHaveCount(1);
    await expect(roster.getByRole('link', { name: 'Kim Ny' })).toBeVisible();
    await page.getByTestId('department-filter').selectOption('');
    await page.getByTestId('registration-filter').selectOption('complete');
    await expect(roster.getByRole('link', { name: 'Kim Ny' })).toHaveCount(0);
    await page.screenshot({ path: shot('01-roster-filtered'), fullPage: true });

    // Issue and revoke a pass.
    await page.getByTestId('registration-filter').selectOption('all');
    await page.getByLabel(msg(lang, 'operator.roster.search')).fill('Kim');
    await roster.getByRole('link', { name: 'Kim Ny' }).click();
    await page.getByRole('button', { name: msg(lang, 'passes.issue') }).click();
    await expect(page.getByTestId('pass-slip')).toBeVisible();
    await page.getByRole('button', { name: msg(lang, 'passes.revoke') }).click();
    await expect(page.getByTestId('pass-slip')).toHaveCount(0);
    await expect(page.getByTestId('pass-state')).toHaveText(msg(lang, 'passes.stateNone'));

    // Policy editor: the renderer's own validation, translated, blocks the save.
    await page.getByRole('link', { name: msg(lang, 'operator.nav.policy'), exact: true }).click();
    const minPin = page.getByLabel(msg(lang, 'policyEditor.pinMinLength'));
    await minPin.fill('2');
    await expect(
      page.getByText(msg(lang, 'policyEditor.issues.tooSmall', { minimum: 4 })),
    ).toBeVisible();
    await page.getByLabel(msg(lang, 'policyEditor.questions')).fill('');
    await page.getByRole('button', { name: msg(lang, 'policyEditor.save') }).click();
    await expect(page.getByTestId('policy-invalid')).toBeVisible();
    await page.screenshot({ path: shot('02-policy-invalid'), fullPage: true });
    // Main checks the same schema again: a hand-made call with the same values is refused.
    const policy = (await contractCall(station, 'policy.get', {})).value as {
      pin: { minLength: number };
    };
    const refused = await contractCall(station, 'policy.update', {
      policy: { ...policy, pin: { ...policy.pin, minLength: 2 } },
    });
    expect(refused.error?.code).toBe('invalidArguments');
    await minPin.fill('8');
    await page.getByLabel(msg(lang, 'policyEditor.questions')).fill('3');
    await page.getByRole('button', { name: msg(lang, 'policyEditor.save') }).click();
    await expect(page.getByText(msg(lang, 'policyEditor.saved'))).toBeVisible();
    const saved = (await contractCall(station, 'policy.get', {})).value as {
      pin: { minLength: number };
    };
    expect(saved.pin.minLength).toBe(8);

    // Audit: filter by action, export CSV (the operator's name on the policy change).
    await page.getByRole('link', { name: msg(lang, 'operator.nav.audit'), exact: true }).click();
    await page.getByTestId('audit-action').selectOption('policy.updated');
    await expect(page.getByTestId('audit-rows').locator('tbody tr')).toHaveCount(2);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: msg(lang, 'audit.export') }).click();
    const file = await (await download).path();
    const csv = readFileSync(file, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('seq,at,actor kind,actor,action,person,details,chain');
    expect(csv).toContain('"bo.operator","policy.updated"');
    expect(csv).not.toContain('pass.issued');
    await page.screenshot({ path: shot('03-audit-filtered'), fullPage: true });

    // Lock after idle: 8 s without input signs the operator out (and the server agrees).
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'operator.signIn.title') }),
    ).toBeVisible({ timeout: 15_000 });
    expect((await contractCall(station, 'roster.list', { query: '' })).error?.code).toBe(
      'session.signInRequired',
    );
  } finally {
    await station.stop();
  }
});

test('production first run: at once (no restart) the virtual key is refused, demo people hidden', async ({
  page,
}) => {
  const station = await startStation(['--demo']);
  try {
    await page.goto(station.url);
    await page.getByRole('link', { name: msg(lang, 'firstRun.bannerLink') }).click();
    await page.getByLabel(msg(lang, 'firstRun.displayName')).fill('Bo Operatör');
    await page
      .getByLabel(msg(lang, 'operator.signIn.username'), { exact: true })
      .fill('bo.operator');
    await page.getByLabel(msg(lang, 'operator.signIn.password'), { exact: true }).fill(PASSWORD);
    await page.getByLabel(msg(lang, 'firstRun.confirmPassword')).fill(PASSWORD);
    await page.getByRole('radio', { name: msg(lang, 'firstRun.modeProduction') }).check();
    await expect(page.getByText(msg(lang, 'firstRun.productionNote'))).toBeVisible();
    await page.getByLabel(msg(lang, 'firstRun.organizationName')).fill('Exempelkommunen');
    // The rp id is checked before anything is sent.
    await page.getByLabel(msg(lang, 'firstRun.rpId')).fill('inte en domän');
    await page.getByRole('button', { name: msg(lang, 'firstRun.submit') }).click();
    await expect(page.getByText(msg(lang, 'firstRun.problems.rpId'))).toBeVisible();
    await page.getByLabel(msg(lang, 'firstRun.rpId')).fill('login.exempel.se');
    // Until setup this is an open demo station: its virtual key and demo people are there.
    expect(await contractCall(station, 'virtualKey.list', {})).toMatchObject({ ok: true });
    const before = (await contractCall(station, 'people.search', { query: 'anna' })).value as {
      people: unknown[];
    };
    expect(before.people.length).toBeGreaterThan(0);
    await page.getByRole('button', { name: msg(lang, 'firstRun.submit') }).click();

    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'firstRun.keyTitle') }),
    ).toBeVisible();
    // The demo station's virtual key is unplugged by setup: nothing to register with.
    await expect(page.getByTestId('operator-key-present')).toHaveCount(0);
    await expect(page.getByText(msg(lang, 'operator.key.insert')).first()).toBeVisible();
    await page.getByLabel(msg(lang, 'operator.signIn.pin')).fill('482915');
    await page.getByRole('button', { name: msg(lang, 'operator.key.register') }).click();
    await expect(
      page.getByText(msg(lang, 'operator.errors.station.securityKey.notFound')).last(),
    ).toBeVisible();
    await page.screenshot({ path: shot('04-production-key-refused'), fullPage: true });

    await page.getByTestId('first-run-finish').click();
    await expect(page.getByTestId('dashboard-total')).toHaveText(
      msg(lang, 'operator.dashboard.summary', { complete: 0, incomplete: 0, notStarted: 0 }),
    );
    await page.getByRole('link', { name: msg(lang, 'operator.nav.roster'), exact: true }).click();
    await expect(page.getByText(msg(lang, 'operator.roster.none'))).toBeVisible();
    const status = (await contractCall(station, 'operator.status', {})).value as { mode: string };
    expect(status.mode).toBe('production');
    // Right after setup, without a restart: no virtual key anywhere, demo people hidden.
    expect(await contractCall(station, 'virtualKey.list', {})).toMatchObject({
      ok: false,
      error: { code: 'securityKey.virtualKeyRefused' },
    });
    const devices = (await contractCall(station, 'securityKey.devices', {})).value as {
      devices: { virtual: boolean }[];
    };
    expect(devices.devices.filter((d) => d.virtual)).toEqual([]);
    const found = (await contractCall(station, 'people.search', { query: 'anna' })).value as {
      people: unknown[];
    };
    expect(found.people).toEqual([]);
    await page.goto(`${station.url.split('#')[0]}#/`);
    await page.getByLabel(msg(lang, 'people.searchLabel')).fill('Anna');
    await expect(page.getByRole('link', { name: /Anna Svensson/ })).toHaveCount(0);
    await page.screenshot({ path: shot('05-production-no-demo-people'), fullPage: true });
  } finally {
    await station.stop();
  }
});
