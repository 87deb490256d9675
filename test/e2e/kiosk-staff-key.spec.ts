/**
 * Staff confirm a kiosk person's phone with their own security key on the same screen
 * (DESIGN.md §3.8): the operator's key (the demo station's virtual key) is checked with PIN and
 * touch, a wrong PIN changes nothing, the number is stored as confirmed in person, and kiosk
 * mode and the person's session both stay. The audit log names the operator who confirmed.
 * Screenshots: test/artifacts/kiosk-staff-key-*.png.
 */
import WebSocket from 'ws';
import { msg, type Lang } from './methods-support';
import { PIN } from './security-key-support';
import { expect, startStation, test, type RunningStation } from './station';

const shot = (name: string) => `test/artifacts/kiosk-staff-key-${name}.png`;
const LARS = { upn: 'lars.nilsson@demo.keystation.local', pass: 'DemoPass-2468' };
const OPERATOR = { username: 'ulla.operator', password: 'korrekt-häst-batteri-7' };
const NUMBER = '070-765 43 21';
const SHOWN = '+46 70 765 43 21';

type CallResult = { ok: boolean; value?: unknown; error?: { kind: string; code: string } };

/** One contract call over the browser host's WebSocket (the station has one session). */
async function contractCall(
  station: RunningStation,
  call: string,
  args: Record<string, unknown>,
): Promise<CallResult> {
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

async function ok(station: RunningStation, call: string, args: Record<string, unknown>) {
  const r = await contractCall(station, call, args);
  expect(r.ok, `${call}: ${JSON.stringify(r.error)}`).toBe(true);
  return r.value;
}

test("at the kiosk, an operator confirms a person's phone with their security key without leaving kiosk mode", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const lang: Lang = 'sv';
  const station = await startStation(['--demo']);
  try {
    // First run, the operator's own key on the virtual key (PIN set on the way), then kiosk.
    await ok(station, 'operator.setup', {
      username: OPERATOR.username,
      displayName: 'Ulla Operatör',
      password: OPERATOR.password,
      mode: 'demo',
      organizationName: 'Demo Organization',
      rpId: 'demo.keystation.local',
      rpName: 'Demo Organization',
      requiredCount: 2,
      requireSecurityKey: false,
      kioskIdleSeconds: 600,
    });
    await ok(station, 'virtualKey.setTouchMode', { mode: 'auto' });
    await ok(station, 'operator.registerKey', { pin: PIN, name: 'Ullas nyckel' });
    // From here on the key waits for a touch, as a real one does.
    await ok(station, 'virtualKey.setTouchMode', { mode: 'manual' });
    await ok(station, 'kiosk.start', {});

    // ---- Lars signs in at the kiosk and adds a phone ---------------------------------
    await page.goto(station.url);
    const main = page.locator('main');
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'kiosk.welcome.title') }),
    ).toBeVisible();
    await main.getByLabel(msg(lang, 'kiosk.welcome.upn')).fill(LARS.upn);
    await main.getByLabel(msg(lang, 'kiosk.welcome.pass')).fill(LARS.pass);
    await main
      .getByRole('button', { name: msg(lang, 'kiosk.welcome.submit'), exact: true })
      .click();
    await expect(page.getByTestId('kiosk-person')).toContainText('Lars Nilsson');
    await page.getByTestId('wizard-prompt-next').click();
    await page.getByTestId('wizard-different').click();
    await page.getByRole('radio', { name: msg(lang, 'methods.kind.phoneSms') }).check();
    await page.getByRole('button', { name: msg(lang, 'common.next') }).click();
    const step = page.getByTestId('wizard-step');
    await expect(step).toHaveAttribute('data-kind', 'phoneSms');
    await step.getByLabel(msg(lang, 'phone.number.label')).fill(NUMBER);
    await step.getByRole('button', { name: msg(lang, 'phone.number.text') }).click();
    await expect(step.getByTestId('phone-step-code')).toBeVisible();

    // ---- Staff confirm with their key: the key choice, PIN (user name optional) ----------
    await step.getByTestId('staff-confirm-open').click();
    const staff = step.getByTestId('staff-confirm');
    await expect(staff).toContainText(msg(lang, 'enroll.staff.bodyPhone', { number: SHOWN }));
    const withKey = staff.getByRole('radio', { name: msg(lang, 'operator.signIn.withKey') });
    await withKey.check();
    await expect(withKey).toBeChecked();
    const pin = staff.getByLabel(msg(lang, 'operator.signIn.pin'));
    const confirm = staff.getByRole('button', { name: msg(lang, 'enroll.inPerson.confirm') });

    // A wrong PIN: refused in words, nothing stored, still the person's kiosk session.
    await pin.fill('135792');
    await confirm.click();
    await expect(staff.getByTestId('staff-confirm-error')).toBeVisible();
    await expect(step.getByTestId('phone-step-code')).toBeVisible();
    await page.screenshot({ path: shot('01-wrong-pin'), fullPage: true });
    expect(await contractCall(station, 'operator.status', {})).toMatchObject({
      ok: true,
      value: { role: 'person', kiosk: true },
    });

    // The right PIN: the station waits for the key's touch, on the same screen.
    await pin.fill(PIN);
    await confirm.click();
    const touch = staff.getByTestId('operator-virtual-touch');
    await expect(touch).toBeVisible();
    await expect(staff.getByTestId('operator-touch')).toHaveText(msg(lang, 'operator.key.touch'));
    await page.screenshot({ path: shot('02-touch-key'), fullPage: true });
    await touch.click();
    await expect(step.getByTestId('phone-step-done')).toBeVisible();
    await page.screenshot({ path: shot('03-phone-added'), fullPage: true });

    // Still Lars at the kiosk: kiosk mode and his session stay.
    await expect(page.getByTestId('kiosk-person')).toContainText('Lars Nilsson');
    const status = await contractCall(station, 'operator.status', {});
    expect(status).toMatchObject({ ok: true, value: { role: 'person', kiosk: true } });
    const personId = (status.value as { person: { id: string } }).person.id;
    const info = (await ok(station, 'securityInfo.get', { personId })) as {
      methods: { kind: string }[];
    };
    expect(info.methods.map((m) => m.kind)).toContain('phoneSms');

    // ---- The audit log names the operator who confirmed with their key -------------------
    await page.getByRole('button', { name: msg(lang, 'kiosk.session.done') }).click();
    await expect(
      page.getByRole('heading', { level: 1, name: msg(lang, 'kiosk.done.title') }),
    ).toBeVisible();
    await ok(station, 'kiosk.unlockWithPassword', { ...OPERATOR });
    const audit = JSON.stringify(await ok(station, 'audit.list', { limit: 100 }));
    expect(audit).toMatch(/operatorInPerson/);
    expect(audit).toContain(OPERATOR.username);
  } finally {
    await station.stop();
  }
});
