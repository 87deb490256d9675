/**
 * Run the test provider in its own process (e2e / browser-mode tests, manual trials):
 *   npx tsx test/support/graph-provider/cli.ts --seed demo --people 50 --timeout 600
 * Prints one JSON line with the URLs, the CA file and the seeded app's credentials, then
 * serves until --timeout seconds pass, SIGTERM/SIGINT, or (with --exit-on-stdin-close)
 * stdin closes. Listens on 127.0.0.1 only.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAppCertificate } from './pki';
import { startGraphProvider } from './server';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: 'demo' },
    people: { type: 'string', default: '50' },
    timeout: { type: 'string', default: '600' },
    'login-port': { type: 'string', default: '0' },
    'graph-port': { type: 'string', default: '0' },
    'exit-on-stdin-close': { type: 'boolean', default: false },
  },
});

const num = (name: string, v: string | undefined, min: number, max: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    process.stderr.write(`--${name} must be an integer ${min}–${max}\n`);
    process.exit(2);
  }
  return n;
};
const timeoutS = num('timeout', values.timeout, 1, 24 * 3600);
const people = num('people', values.people, 0, 100_000);

const provider = await startGraphProvider({
  loginPort: num('login-port', values['login-port'], 0, 65535),
  graphPort: num('graph-port', values['graph-port'], 0, 65535),
  idleTimeoutMs: timeoutS * 1000,
  hardTimeoutMs: timeoutS * 1000,
});
const caFile = provider.caFile();
const info: Record<string, unknown> = {
  authorityHost: provider.authorityHost,
  graphUrl: provider.graphUrl,
  caFile,
};

if (values.seed === 'demo') {
  const t = provider.addTenant();
  const cert = createAppCertificate('Keystation demo station');
  const certFile = join(dirname(caFile), 'app-cert.pem');
  const keyFile = join(dirname(caFile), 'app-key.pem');
  writeFileSync(certFile, cert.certPem);
  writeFileSync(keyFile, cert.keyPem, { mode: 0o600 });
  const app = t.addApp({ secret: true, certificates: [cert], displayName: 'Keystation demo' });
  const { group, users } = t.addPeople(people, { group: 'Keystation demo' });
  const synced = t.addUser({
    displayName: 'Sven Synkad',
    onPremisesSyncEnabled: true,
    methods: ['phone'],
  });
  const admin = t.addUser({
    displayName: 'Astrid Admin',
    isAdmin: true,
    methods: ['phone', 'email'],
  });
  Object.assign(info, {
    tenantId: t.id,
    tenantDomain: t.domain,
    authority: t.authority,
    clientId: app.appId,
    clientSecret: app.secret,
    certFile,
    keyFile,
    groupId: group?.id ?? null,
    people: users.length,
    syncedUser: synced.userPrincipalName,
    adminUser: admin.userPrincipalName,
  });
} else if (values.seed !== 'empty') {
  process.stderr.write('--seed must be demo or empty\n');
  process.exit(2);
}

process.stdout.write(`${JSON.stringify(info)}\n`);

const stop = () => void provider.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (values['exit-on-stdin-close']) {
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
}
// The provider closes itself at the timeout; the process then has nothing left to do.
const hard = setTimeout(stop, timeoutS * 1000 + 1000);
hard.unref();
