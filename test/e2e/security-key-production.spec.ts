/**
 * A production station (no --demo) refuses the virtual key (DESIGN.md §4): it holds no in-process
 * virtual key, shows no demo controls, and a virtual key reached over UDP
 * (`KEYSTATION_KEY_PATHS`, as `npx keystation-virtual-key` would serve it) is refused by its
 * AAGUID with a plain message and the next step. Before its first run a production station
 * shows only the first-run page and answers nothing else; the operator sets it up first.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startUdpVirtualKey } from '../../native/virtual-key/index';
import { expect, startStation, test } from './station';
import { msg, startAddMethod, type Lang } from './methods-support';
import { keyError, openPerson } from './security-key-support';

/** One contract call over the browser host's WebSocket (the same wire the renderer uses). */
async function call(url: string, name: string, args: unknown): Promise<unknown> {
  const u = new URL(url);
  const ws = new WebSocket(`ws://${u.host}/api?token=${u.searchParams.get('token')}`, {
    headers: { Origin: u.origin },
  });
  try {
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ id: 1, call: `ks:${name}`, args }));
    const reply = await new Promise<string>((resolve) =>
      ws.once('message', (d: Buffer) => resolve(d.toString())),
    );
    return (JSON.parse(reply) as { result: unknown }).result;
  } finally {
    ws.close();
  }
}

test('production station: the virtual key over UDP is refused with a clear message', async ({
  page,
}) => {
  const lang: Lang = 'en';
  const udp = await startUdpVirtualKey({ touch: 'auto' });
  // A station installed for production (no --demo; the settings say production), on its own
  // fresh data dir, English UI.
  const dataDir = mkdtempSync(join(tmpdir(), 'ks-e2e-prod-'));
  writeFileSync(
    join(dataDir, 'settings.json'),
    JSON.stringify({ stationMode: 'production', language: lang }),
  );
  process.env.KEYSTATION_KEY_PATHS = udp.path;
  const station = await startStation(['--data-dir', dataDir]);
  delete process.env.KEYSTATION_KEY_PATHS;
  try {
    // Locked to first run: the page shows only setup, and main refuses everything else.
    await page.goto(station.url);
    await expect(page).toHaveURL(/#\/first-run/);
    await expect(page.getByLabel(msg(lang, 'firstRun.organizationName'))).toBeVisible();
    await expect(page.getByLabel(msg(lang, 'people.searchLabel'))).toHaveCount(0);
    await expect(
      page.getByRole('radio', { name: msg(lang, 'firstRun.modeProduction') }),
    ).toBeChecked();
    await page.screenshot({ path: 'test/artifacts/security-key-en-16-production-first-run.png' });
    for (const [entry, args] of [
      ['people.search', { query: 'a' }],
      ['virtualKey.list', {}],
      ['securityKey.devices', {}],
      ['operator.signInWithPassword', { username: 'x', password: 'y' }],
    ] as const) {
      expect(await call(station.url, entry, args), entry).toMatchObject({
        ok: false,
        error: { code: 'session.firstRunRequired' },
      });
    }
    expect(
      await call(station.url, 'operator.setup', {
        username: 'it.admin',
        displayName: 'IT Admin',
        password: 'a-long-operator-password',
        mode: 'production',
        organizationName: 'Example Org',
        rpId: 'login.example.org',
        rpName: 'Example Org',
        requiredCount: 1,
        requireSecurityKey: false,
        kioskIdleSeconds: 120,
      }),
    ).toMatchObject({ ok: true, value: { mode: 'production', role: 'operator' } });
    expect(await call(station.url, 'virtualKey.list', {})).toMatchObject({
      ok: false,
      error: { code: 'securityKey.virtualKeyRefused' },
    });
    expect(
      await call(station.url, 'roster.create', {
        upn: 'ada.lovelace@example.org',
        displayName: 'Ada Lovelace',
        department: 'Engineering',
        email: '',
        mobile: '',
      }),
    ).toMatchObject({ ok: true });

    await openPerson(page, station, 'Ada Lovelace', lang, 'wizard.title');
    await page.getByRole('button', { name: msg(lang, 'wizard.later') }).click();
    const dialog = await startAddMethod(page, lang, 'securityKey');
    await expect(dialog.getByTestId('virtual-key-panel')).toHaveCount(0);
    const devices = dialog.getByTestId('security-key-devices');
    await expect(devices).toContainText(udp.path.replace('udp:', ''));
    await dialog.getByRole('button', { name: msg(lang, 'common.next') }).click();
    await expect(keyError(dialog)).toContainText(
      msg(lang, 'securityKey.errors.securityKey.virtualKeyRefused'),
    );
    await expect(keyError(dialog)).toContainText(
      msg(lang, 'securityKey.next.securityKey.virtualKeyRefused'),
    );
    await page.screenshot({ path: 'test/artifacts/security-key-en-17-production-refuses.png' });
  } finally {
    await station.stop();
    await udp.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
