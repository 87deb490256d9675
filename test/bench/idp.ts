/**
 * Identity-provider link benchmark (docs/IDP.md): a real station registry (SQLite file) linked to
 * the local test provider over HTTPS. Pull: a group of 1,000 people with 3 methods each at the
 * provider (members paged, methods read in `$batch`es) into an empty roster. Push: 300 security
 * keys registered at the station against the provider's creation options, then sent through the
 * outbox, with a budget of 429 replies (Retry-After) during both phases. A Retry-After is waited
 * out on the station's clock (moved, not slept): the figures are the station's and the
 * provider's own work.
 *
 * Figures: pull_people_per_s, push_items_per_s, requests_per_item (Graph requests per pushed item,
 * the retries after a 429 not counted). Goals: pull ≥ 200 people/s, ≤ 1.1 requests per item.
 *
 * `npm run bench:idp` (full: goals checked, non-zero exit when missed) or `-- --short`
 * (CI: 200 people, 60 keys). Prints a table; the last line is one JSON object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStation } from '../../main/station/index';
import { VirtualKey } from '../../native/virtual-key/index';
import { GraphProvider } from '../support/graph-provider';

const short = process.argv.includes('--short');
const PEOPLE = short ? 200 : 1000;
const PUSHES = short ? 60 : 300;
const THROTTLES = short ? 4 : 20;
const GOALS = { pull_people_per_s: 200, requests_per_item: 1.1 };
const PIN = '482915';

const dir = mkdtempSync(join(tmpdir(), 'ks-bench-idp-'));
const provider = await GraphProvider.start({ idleTimeoutMs: 600_000, hardTimeoutMs: 1_800_000 });
try {
  const tenant = provider.addTenant();
  const app = tenant.addApp({ secret: true });
  // Authenticator (with its device name), a mobile number and an address for each person.
  const { group } = tenant.addPeople(PEOPLE, { group: 'Keystation bench' });

  let now = Date.now();
  const station = openStation({
    dataDir: dir,
    mode: 'demo',
    clock: () => new Date(now),
    idp: {
      ca: provider.caPem,
      challengeMinutes: 60,
      sleep: async (ms) => {
        now += ms;
      },
    },
  });
  try {
    station.idp.saveConnection({
      tenantId: tenant.id,
      clientId: app.appId,
      credentialKind: 'secret',
      secret: app.secret,
      authorityHost: provider.authorityHost,
      graphHost: provider.graphUrl,
      groupId: group!.id,
    });
    // A token first, so neither phase measures the one token request.
    const check = await station.idp.testConnection();
    if (!check.ok) throw new Error(`connection: ${JSON.stringify(check.problem)}`);

    // ── pull ──
    const pullThrottle = provider.faults.throttle({
      every: 7,
      count: THROTTLES,
      retryAfterSeconds: 1,
    });
    const pullSeq = provider.requests.length;
    const pullStart = performance.now();
    const pulled = await station.idp.pull();
    const pullSeconds = (performance.now() - pullStart) / 1000;
    pullThrottle.remove();
    const pullRequests = provider.requests
      .slice(pullSeq)
      .filter((r) => r.host === 'graph' && r.batchOf === undefined);
    if (pulled.people !== PEOPLE || pulled.methodsUnread !== 0 || pulled.methods < PEOPLE * 3)
      throw new Error(`pull incomplete: ${JSON.stringify(pulled)}`);

    // ── registrations at the station (not measured): keys against the provider's options ──
    const people = tenant
      .groupMembers(group!.id)
      .slice(0, PUSHES)
      .map((u) => station.people.getByUpn(u.userPrincipalName));
    const enrollStart = performance.now();
    let key = new VirtualKey({ touch: 'auto', capacity: 100 });
    for (const [i, p] of people.entries()) {
      if (i % 100 === 0 && i > 0) key = new VirtualKey({ touch: 'auto', capacity: 100 });
      const e = station.enroll.securityKey;
      const info = await e.begin(p.id, key.connect());
      if (info.pinStep === 'set') await e.setPin(info.enrollmentId, PIN, PIN);
      else await e.verifyPin(info.enrollmentId, PIN);
      await e.register(info.enrollmentId);
      await e.complete(info.enrollmentId, { name: `Bench key ${i}` });
    }
    const enrollSeconds = (performance.now() - enrollStart) / 1000;
    if (station.idp.repo.stateCounts().pending !== PUSHES)
      throw new Error(`expected ${PUSHES} pending items`);

    // ── push ──
    const pushThrottle = provider.faults.throttle({
      every: 5,
      count: THROTTLES,
      retryAfterSeconds: 2,
    });
    const pushSeq = provider.requests.length;
    const pushStart = performance.now();
    const pushed = await station.idp.push();
    const pushSeconds = (performance.now() - pushStart) / 1000;
    pushThrottle.remove();
    const pushRequests = provider.requests
      .slice(pushSeq)
      .filter((r) => r.host === 'graph' && r.batchOf === undefined);
    const throttled = pushRequests.filter((r) => r.status === 429).length;
    if (pushed.confirmed !== PUSHES || station.idp.repo.stateCounts().confirmed !== PUSHES)
      throw new Error(`push incomplete: ${JSON.stringify(pushed)}`);
    let duplicates = 0;
    for (const [, n] of tenant.countMethods('fido2')) if (n > 1) duplicates++;
    if (duplicates > 0) throw new Error(`${duplicates} people hold a key twice`);

    const figures = {
      pull_people_per_s: Number((PEOPLE / pullSeconds).toFixed(1)),
      push_items_per_s: Number((PUSHES / pushSeconds).toFixed(1)),
      requests_per_item: Number(((pushRequests.length - throttled) / PUSHES).toFixed(3)),
      pull_requests: pullRequests.length,
      pull_throttled: pullRequests.filter((r) => r.status === 429).length,
      push_throttled: throttled,
      people: PEOPLE,
      methods: pulled.methods,
      items: PUSHES,
      cores: availableParallelism(),
      short,
    };
    console.log(
      `identity provider link, test provider over HTTPS on 127.0.0.1, 429 budget ${THROTTLES} per phase`,
    );
    console.log('phase   items  seconds  per second  requests  429s  requests/item (no retries)');
    const row = (
      name: string,
      items: number,
      seconds: number,
      requests: number,
      t: number,
      perItem: string,
    ) =>
      console.log(
        [
          name.padEnd(5),
          String(items).padStart(7),
          seconds.toFixed(2).padStart(8),
          (items / seconds).toFixed(1).padStart(11),
          String(requests).padStart(9),
          String(t).padStart(5),
          perItem.padStart(27),
        ].join(' '),
      );
    row(
      'pull',
      PEOPLE,
      pullSeconds,
      pullRequests.length,
      figures.pull_throttled,
      ((pullRequests.length - figures.pull_throttled) / PEOPLE).toFixed(3),
    );
    row(
      'push',
      PUSHES,
      pushSeconds,
      pushRequests.length,
      throttled,
      figures.requests_per_item.toFixed(3),
    );
    console.log(
      `(not measured: ${PUSHES} keys registered at the station in ${enrollSeconds.toFixed(1)} s)`,
    );
    console.log(JSON.stringify(figures));
    if (!short) {
      if (figures.pull_people_per_s < GOALS.pull_people_per_s) {
        console.error(
          `goal missed: pull_people_per_s ${figures.pull_people_per_s} < ${GOALS.pull_people_per_s}`,
        );
        process.exitCode = 1;
      }
      if (figures.requests_per_item > GOALS.requests_per_item) {
        console.error(
          `goal missed: requests_per_item ${figures.requests_per_item} > ${GOALS.requests_per_item}`,
        );
        process.exitCode = 1;
      }
    }
  } finally {
    station.close();
  }
} finally {
  await provider.close();
  rmSync(dir, { recursive: true, force: true });
}
