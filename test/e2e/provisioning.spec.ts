/**
 * Provisioning keys for others in the operator console (docs/PROVISIONING.md "In the operator
 * console"): the operator imports the test provider's creation options for 6 people, provisions
 * them on 3 of the station's demo virtual keys in parallel, pulls one key while it waits for a
 * touch (its person goes back in the queue and is finished on another key), takes the PIN slips
 * once (each PIN found once in the PDF), and the registrations verify at the test provider.
 * Key 3 is a CTAP 2.0 key: the board says it lacked authenticatorConfig.
 * Screenshots: test/artifacts/provisioning-*.png.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { verifyRegistrationResponse } from '@simplewebauthn/server';
import WebSocket from 'ws';
import { startGraphProvider, type GraphProvider } from '../support/graph-provider';
import { graph, secretToken } from '../integration/graph-provider/support';
import { slipPages } from '../integration/provisioning/support';
import { ENTRA_ORIGIN, ENTRA_RP_ID } from '../../main/station/provisioning/options';
import { msg } from './methods-support';
import { expect, startStation, test, type RunningStation } from './station';

const lang = 'en' as const;
const shot = (name: string) => join('test', 'artifacts', `provisioning-${name}.png`);

type Answer = { ok: boolean; value?: unknown; error?: { code: string } };

/** Contract calls over the station's WebSocket (what the demo panel's buttons send). */
async function contract(station: RunningStation) {
  const url = new URL(station.url);
  const ws = new WebSocket(
    `ws://${url.host}/api?token=${encodeURIComponent(url.searchParams.get('token') ?? '')}`,
    { headers: { Origin: url.origin } },
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const waiting = new Map<number, (a: Answer) => void>();
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as { id?: number; result?: Answer };
    if (m.id !== undefined && m.result) waiting.get(m.id)?.(m.result);
  });
  let next = 1;
  return {
    async value<T>(call: string, args: Record<string, unknown>): Promise<T> {
      const id = next++;
      const answer = new Promise<Answer>((resolve) => waiting.set(id, resolve));
      ws.send(JSON.stringify({ id, call: `ks:${call}`, args }));
      const r = await answer;
      if (!r.ok) throw new Error(`${call}: ${r.error?.code}`);
      return r.value as T;
    },
    close: () => ws.close(),
  };
}

function keyRow(page: Page, deviceId: string): Locator {
  return page.locator(`[data-testid="board-key"][data-device="${deviceId}"]`);
}

test.describe.configure({ mode: 'serial' });

let provider: GraphProvider;
test.beforeAll(async () => {
  provider = await startGraphProvider({ idleTimeoutMs: 300_000 });
});
test.afterAll(async () => {
  await provider?.close();
});

test('6 people on 3 keys in parallel, one key pulled mid-way, PIN slips once, registrations verify at the provider', async ({
  page,
}, testInfo) => {
  test.setTimeout(240_000);
  const tenant = provider.addTenant();
  const app = tenant.addApp({ secret: true });
  const { users } = tenant.addPeople(6, { methods: [] });
  const upns = users.map((u) => u.userPrincipalName);

  // Key 3 is a first-generation FIDO2 key (CTAP 2.0): no authenticatorConfig.
  const station = await startStation(['--demo'], {
    KEYSTATION_VIRTUAL_KEY_PROFILES: 'ctap21,ctap21,ctap20',
  });
  const c = await contract(station);
  try {
    // The people are in the roster (a roster import), and 3 keys are plugged in: keys 1 and 3
    // are touched by themselves (auto), key 2 waits for a touch that will not come.
    const rosterCsv = [
      'upn,display name,department,email,mobile',
      ...users.map((u) => `${u.userPrincipalName},${u.displayName},Provisioning,,`),
    ].join('\n');
    await c.value('roster.import', { csv: rosterCsv });
    await c.value('virtualKey.add', {});
    await c.value('virtualKey.add', {});
    await c.value('virtualKey.setTouchMode', { deviceId: 'virtual-1', mode: 'auto' });
    await c.value('virtualKey.setTouchMode', { deviceId: 'virtual-3', mode: 'auto' });

    // The provider's creation options for the 6, as the operator got them (JSON lines).
    const options = upns.map((upn) => ({
      userId: tenant.user(upn).id,
      upn,
      ...tenant.issueCreationOptions(upn, 60),
    }));
    const optionsFile = testInfo.outputPath('options.jsonl');
    mkdirSync(testInfo.outputDir, { recursive: true });
    writeFileSync(optionsFile, options.map((o) => JSON.stringify(o)).join('\n'));
    const challenge = new Map(options.map((o) => [o.upn, o.publicKey.challenge as string]));

    // 1. Import the options file.
    await page.goto(`${station.url}#/operator/provision`);
    const select = page.getByTestId('language-select');
    await expect(async () => {
      await select.selectOption(lang);
      await expect(page.locator('html')).toHaveAttribute('lang', lang, { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'operator.provision.title') }),
    ).toBeVisible();
    await page.getByTestId('options-file').setInputFiles(optionsFile);
    await expect(page.getByTestId('options-result')).toHaveText(
      msg(lang, 'operator.provision.importResult', { imported: 6, unchanged: 0, errors: 0 }),
    );
    await expect(page.getByRole('radio', { name: /6 people/ })).toBeChecked();
    await page.screenshot({ path: shot('01-imported'), fullPage: true });

    // The roster shows "challenge ready until …" for them.
    await page.goto(`${station.url}#/operator/roster`);
    await page.getByLabel(msg(lang, 'operator.roster.search')).fill(users[0].userPrincipalName);
    const rosterRow = page.getByTestId('roster').getByRole('row').filter({ hasText: upns[0] });
    await expect(rosterRow.getByTestId('roster-challenge')).toContainText(
      msg(lang, 'operator.provision.readyUntil', { time: '' }).trim(),
    );
    await page.screenshot({ path: shot('02-roster'), fullPage: true });

    // 2. Options: random PIN of 6 digits, min length, forced change; used keys may be reset
    //    (keys 1 and 3 take a second and third person), confirmed. Start.
    await page.goto(`${station.url}#/operator/provision`);
    await page.getByTestId('reset-wanted').check();
    await page.getByTestId('reset-confirm').click();
    await expect(page.getByTestId('reset-confirmed')).toBeVisible();
    await page.getByTestId('start-run').click();
    await expect(page.getByTestId('board')).toBeVisible();

    // 3. Key 2 waits for a touch: the board says so; the operator pulls it.
    const key2 = keyRow(page, 'virtual-2');
    await expect(key2.getByTestId('board-step')).toHaveText(
      msg(lang, 'operator.provision.touchNow'),
      { timeout: 30_000 },
    );
    const pulled = (await key2.getByTestId('board-person').innerText()).split('\n')[0].trim();
    expect(users.map((u) => u.displayName)).toContain(pulled);
    await page.screenshot({ path: shot('03-touch'), fullPage: true });
    await key2.getByTestId('demo-unplug').click();
    await expect(key2.getByTestId('board-result')).toContainText(
      msg(lang, 'operator.provision.reasons.keyRemoved'),
    );
    const pulledRow = page
      .getByTestId('board-person-row')
      .filter({ has: page.getByRole('rowheader', { name: pulled }) });
    await expect(pulledRow).toHaveAttribute('data-state', 'queued');
    await page.screenshot({ path: shot('04-pulled'), fullPage: true });

    // 4. Keys 1 and 3 each finish a person; each done key is taken out and plugged in again
    //    (a blank key in real life; here the confirmed reset makes it blank) until all are done.
    const counts = page.getByTestId('board-counts');
    const finished = msg(lang, 'operator.provision.boardFinished');
    for (let round = 0; round < 8; round++) {
      await expect(async () => {
        const heading = await page.locator('#ks-prov-board').innerText();
        if (heading === finished) return;
        const steps = await Promise.all(
          ['virtual-1', 'virtual-3'].map((d) => keyRow(page, d).getAttribute('data-step')),
        );
        expect(steps).toContain('remove');
      }).toPass({ timeout: 60_000 });
      if ((await page.locator('#ks-prov-board').innerText()) === finished) break;
      for (const d of ['virtual-1', 'virtual-3']) {
        const row = keyRow(page, d);
        if ((await row.getAttribute('data-step')) !== 'remove') continue;
        if (round === 0 && d === 'virtual-1') {
          await page.getByTestId('board').scrollIntoViewIfNeeded();
          await page.screenshot({ path: shot('05-board'), fullPage: true });
          await page.getByTestId('board').screenshot({ path: shot('05-board-only') });
        }
        await row.getByTestId('demo-unplug').click();
        await row.getByTestId('demo-plug-in').click();
      }
    }
    await expect(page.locator('#ks-prov-board')).toHaveText(finished, { timeout: 60_000 });
    await expect(counts).toHaveText(
      msg(lang, 'operator.provision.counts', { done: 6, total: 6, queued: 0, failed: 0 }),
    );
    // Key 3 said it lacked authenticatorConfig: its people have no min length / forced change.
    await expect(page.getByTestId('board-unsupported')).toBeVisible();
    await expect(keyRow(page, 'virtual-3').getByTestId('board-no-config')).toBeVisible();
    await expect(keyRow(page, 'virtual-1').getByTestId('board-no-config')).toHaveCount(0);
    // The pulled person was finished on another key: key 2 never came back.
    await expect(pulledRow).toHaveAttribute('data-state', 'done');
    await expect(key2).toContainText(msg(lang, 'operator.provision.removed'));
    await page.screenshot({ path: shot('06-finished'), fullPage: true });

    // 5. The PIN slips, once: each person's PIN is in the PDF exactly once.
    await page.getByTestId('slips-take').click();
    await expect(page.getByTestId('slips-once')).toBeVisible();
    const download = page.waitForEvent('download');
    await page.getByTestId('slips-download').click();
    const pdfPath = testInfo.outputPath('pin-slips.pdf');
    await (await download).saveAs(pdfPath);
    const pdf = readFileSync(pdfPath);
    const pages = await slipPages(pdf);
    const texts = pages.flat();
    const pins = new Map<string, string>();
    for (const slip of pages) {
      const upn = slip.find((t) => t.includes('@')) ?? '';
      const pin = slip.find((t) => /^\d{6,63}$/.test(t)) ?? '';
      expect(pins.has(upn), `one slip for ${upn}`).toBe(false);
      pins.set(upn, pin);
    }
    expect([...pins.keys()].sort()).toEqual([...upns].sort());
    for (const pin of pins.values()) {
      expect(pin).toMatch(/^\d{6}$/);
      expect(texts.filter((t) => t.includes(pin))).toHaveLength(1);
    }
    await page.getByTestId('slips-once').scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('07-slips') });
    await testInfo.attach('pin-slips.pdf', { path: pdfPath, contentType: 'application/pdf' });
    // The first slip as a picture (poppler-utils, in setup:test's list), cropped to the slip.
    if (spawnSync('pdftoppm', ['-v'], { stdio: 'ignore' }).status === 0) {
      spawnSync('pdftoppm', [
        '-png',
        '-r',
        '110',
        '-f',
        '1',
        '-l',
        '1',
        '-W',
        '910',
        '-H',
        '560',
        '-singlefile',
        pdfPath,
        shot('08-slip').replace(/\.png$/, ''),
      ]);
    }

    // Gone for good: the page after a reload says the slips can't be made again.
    await page.reload();
    await expect(page.getByTestId('slips-gone')).toHaveText(
      msg(lang, 'operator.provision.slipsGone'),
    );
    await expect(page.getByTestId('slips-take')).toHaveCount(0);
    await page.screenshot({ path: shot('09-slips-gone'), fullPage: true });

    // 6. The registrations: each verifies against the imported challenge, rp id and origin,
    //    and the test provider accepts it as the request body.
    const regDownload = page.waitForEvent('download');
    await page.getByTestId('download-registrations').click();
    const regPath = testInfo.outputPath('registrations.jsonl');
    await (await regDownload).saveAs(regPath);
    const lines = readFileSync(regPath, 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            userId: string | null;
            upn: string;
            body: {
              displayName: string;
              publicKeyCredential: {
                id: string;
                response: { clientDataJSON: string; attestationObject: string };
                clientExtensionResults: Record<string, unknown>;
              };
            };
          },
      );
    expect(lines.map((l) => l.upn).sort()).toEqual([...upns].sort());
    const token = await secretToken(provider, tenant, app);
    for (const l of lines) {
      const pkc = l.body.publicKeyCredential;
      const v = await verifyRegistrationResponse({
        response: {
          id: pkc.id,
          rawId: pkc.id,
          type: 'public-key',
          response: pkc.response,
          clientExtensionResults: pkc.clientExtensionResults,
        },
        expectedChallenge: challenge.get(l.upn)!,
        expectedOrigin: ENTRA_ORIGIN,
        expectedRPID: ENTRA_RP_ID,
        requireUserVerification: true,
      });
      expect(v.verified).toBe(true);
      // The people are not linked to a provider here: the UPN names them (Graph takes either).
      const r = await graph(
        provider,
        token,
        'POST',
        `/v1.0/users/${encodeURIComponent(l.userId ?? l.upn)}/authentication/fido2Methods`,
        l.body,
      );
      expect(r.status, r.text).toBe(201);
    }
    for (const upn of upns) expect(tenant.fido2Credentials(upn)).toHaveLength(1);
  } finally {
    c.close();
    await station.stop();
  }
});
