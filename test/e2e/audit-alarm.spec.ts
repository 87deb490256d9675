/**
 * The audit log's integrity alarm (docs/SECURITY-REVIEW.md "Audit truncation and rollback"):
 * the registry's last audit rows are deleted while the station is stopped; started again, the
 * station shows the alarm on every page, in Swedish and English, and refuses the operator's
 * sign-in (which would write a row onto the cut log) with a translated message.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { msg } from './methods-support';
import { expect, startStation, test, type RunningStation } from './station';
import { RegistryTampering } from '../../main/db/tampering';

const PASSWORD = 'ett-långt-lösenord-42';

/** One contract call over the station's socket (a fresh one-time link for it). */
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

test('rows cut off the audit log: the alarm on every page, the sign-in refused', async ({
  page,
}, testInfo) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ks-e2e-alarm-'));
  // One key for both starts (outside the data directory, like the station's own default).
  const keyFile = join(mkdtempSync(join(tmpdir(), 'ks-e2e-alarm-key-')), 'station.key');
  const args = ['--demo', '--data-dir', dataDir, '--key-file', keyFile];
  const shot = async (name: string) => {
    const path = testInfo.outputPath(`${name}.png`);
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(name, { path, contentType: 'image/png' });
  };
  try {
    // A demo station is set up (its first operator), writes its history, then stops.
    const first = await startStation(args);
    expect(
      await contractCall(first, 'operator.setup', {
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
    await contractCall(first, 'operator.signOut', {});
    await page.goto(first.url);
    await expect(
      page.getByRole('heading', { level: 1, name: msg('sv', 'operator.signIn.title') }),
    ).toBeVisible();
    await expect(page.getByTestId('integrity-alarm')).toHaveCount(0);
    await first.stop();

    // Someone with the file drops the append-only triggers and deletes the last two rows.
    const registry = RegistryTampering.openFile(join(dataDir, 'registry.sqlite'));
    try {
      registry.unlockAudit();
      registry.cutAuditTail(2);
    } finally {
      registry.close();
    }

    const second = await startStation(args);
    try {
      await page.goto(second.url);
      const alarm = page.getByTestId('integrity-alarm');
      await expect(alarm).toContainText('Granskningsloggen stämmer inte');
      await expect(alarm).toHaveAttribute('role', 'alert');
      await shot('audit-alarm-sv-start');

      await page.getByRole('radio', { name: msg('sv', 'operator.signIn.withPassword') }).check();
      await page
        .getByLabel(msg('sv', 'operator.signIn.username'), { exact: true })
        .fill('bo.operator');
      await page
        .getByRole('textbox', { name: msg('sv', 'operator.signIn.password'), exact: true })
        .fill(PASSWORD);
      await page.getByRole('button', { name: msg('sv', 'operator.signIn.submit') }).click();
      await expect(
        page
          .getByRole('main')
          .getByRole('alert')
          .filter({ hasText: 'Granskningsloggen har ändrats' }),
      ).toBeVisible();
      await expect(page.getByTestId('signed-in-operator')).toHaveCount(0);
      await shot('audit-alarm-sv-sign-in-refused');

      await page.getByTestId('language-select').selectOption('en');
      await expect(alarm).toContainText('The audit log does not check out');
      await shot('audit-alarm-en');
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(join(keyFile, '..'), { recursive: true, force: true });
  }
});

test('an admin chooses the anchor location on the audit page; a checkpoint is written there', async ({
  page,
  station,
}, testInfo) => {
  const anchor = mkdtempSync(join(tmpdir(), 'ks-e2e-anchor-'));
  try {
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
    await page.goto(`${station.url}#/operator/audit`);
    await page.getByRole('radio', { name: msg('sv', 'operator.signIn.withPassword') }).check();
    await page
      .getByLabel(msg('sv', 'operator.signIn.username'), { exact: true })
      .fill('bo.operator');
    await page
      .getByRole('textbox', { name: msg('sv', 'operator.signIn.password'), exact: true })
      .fill(PASSWORD);
    await page.getByRole('button', { name: msg('sv', 'operator.signIn.submit') }).click();
    await page.getByRole('link', { name: msg('sv', 'operator.nav.audit'), exact: true }).click();

    const panel = page.getByTestId('audit-anchor');
    await expect(panel.getByTestId('audit-anchor-current')).toHaveText(
      msg('sv', 'audit.anchor.none'),
    );
    const field = panel.getByLabel(msg('sv', 'audit.anchor.dir'));
    await field.fill('granskning');
    await panel.getByRole('button', { name: msg('sv', 'audit.anchor.save') }).click();
    await expect(panel.getByRole('alert')).toHaveText(
      msg('sv', 'errors.station.audit.anchorNotAbsolute'),
    );
    await field.fill(anchor);
    await panel.getByRole('button', { name: msg('sv', 'audit.anchor.save') }).click();
    await expect(panel.getByTestId('audit-anchor-current')).toContainText(anchor);
    expect(readdirSync(anchor).filter((f) => f.endsWith('.checkpoint.json'))).toHaveLength(1);
    const path = testInfo.outputPath('audit-anchor-chosen.png');
    await panel.screenshot({ path });
    await testInfo.attach('audit-anchor-chosen', { path, contentType: 'image/png' });
  } finally {
    rmSync(anchor, { recursive: true, force: true });
  }
});
