/**
 * Child process for the crash-safety test: runs every kind of enrollment (and deletes, default
 * changes, passes) in a loop against a registry until the parent kills it with SIGKILL.
 * Usage: node crashChild.mjs <dataDir> <seed>
 */
import { VirtualKey } from '../../../native/virtual-key/index';
import { openStation } from '../../../main/station/index';
import { totpCode } from '../../../main/station/methods/totp';

const [dataDir, seedText] = process.argv.slice(2);
let seed = Number(seedText) || 1;
function rand(n: number): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
}

// The station's time moves 16 minutes per step, and each child starts 60 days after the one
// before: the code limits per destination and per station (docs/SECURITY-REVIEW.md) never
// stop the loop, and TOTP codes are computed for the station's own time.
let now = Date.now() + (Number(seedText) || 1) * 60 * 86_400_000;
const clock = (): Date => new Date(now);
const station = openStation({ dataDir, mode: 'demo', clock });
const key = new VirtualKey({ touch: 'auto' });
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const TOTP = { period: 30, digits: 6, algorithm: 'SHA1' } as const;
process.stdout.write('ready\n');

async function step(i: number): Promise<void> {
  now += 16 * 60_000;
  const person = station.people.create({
    upn: `p${process.pid}.${i}@crash.example`,
    displayName: `Crash ${i}`,
  });
  const p = person.id;
  const op = rand(8);
  if (op === 0 || op === 7) {
    const s = await station.enroll.authenticatorApp.begin(p);
    station.enroll.authenticatorApp.complete(
      s.enrollmentId,
      totpCode(s.manual.secret.replace(/ /g, ''), TOTP, clock()),
    );
  } else if (op === 1) {
    const s = await station.enroll.phone.begin(p, {
      kind: 'phoneSms',
      number: `+4670${String(1_000_000 + (i % 9_000_000))}`,
      delivery: 'gateway',
    });
    const code = station.outbox.list()[0].text.match(/\d{6}/)?.[0] ?? '';
    station.enroll.phone.complete(s.enrollmentId, code);
  } else if (op === 2) {
    const bank = station.enroll.securityQuestions.bank();
    station.enroll.securityQuestions.register(
      p,
      bank.questions
        .slice(0, bank.required)
        .map((q, k) => ({ questionId: q.id, answer: `answer ${k} ${i}` })),
    );
  } else if (op === 3) {
    const serial = `C-${process.pid}-${i}`;
    // A fresh secret per token: a TOTP code is accepted once per secret and time step.
    const secret = Array.from({ length: 32 }, () => BASE32[rand(32)]).join('');
    station.oathTokens.importCsv(
      `upn,serial number,secret key,time interval,manufacturer,model\n${person.upn},${serial},${secret},30,M,X`,
    );
    station.enroll.hardwareToken.activate(p, serial, totpCode(secret, TOTP, clock()));
  } else if (op === 4) {
    const s = station.enroll.securityKey;
    const info = await s.begin(p, key.connect());
    await s.setPin(info.enrollmentId, '482915', '482915');
    await s.register(info.enrollmentId);
    await s.complete(info.enrollmentId, { name: `Key ${i}` });
  } else if (op === 5) {
    const s = await station.enroll.email.begin(p, {
      address: `alt${i}@example.com`,
      delivery: 'gateway',
    });
    station.enroll.email.complete(
      s.enrollmentId,
      station.outbox.list()[0].text.match(/\d{6}/)?.[0] ?? '',
    );
  } else {
    station.passes.issue(p, { oneTime: rand(2) === 0 });
  }
  // Churn on older people: change defaults, delete methods.
  const others = station.people.search('crash', { limit: 5 });
  const victim = others[rand(others.length)];
  if (victim) {
    const methods = station.methods.list(victim.id);
    if (methods.length > 0) {
      const m = methods[rand(methods.length)];
      if (rand(2) === 0 && m.usableForMfa) station.methods.setDefault(victim.id, m.id);
      else station.methods.remove(victim.id, m.id);
    }
  }
}

let i = 0;
for (;;) {
  await step(i++);
  process.stdout.write(`step ${i}\n`);
}
