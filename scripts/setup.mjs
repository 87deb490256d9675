#!/usr/bin/env node
// One-step setup on a fresh machine.
//   node scripts/setup.mjs          install dependencies (and the Electron runtime where it can be fetched)
//   node scripts/setup.mjs --test   also the system packages the test suite needs (Debian/Ubuntu: apt)
// Installing npm packages never depends on the Electron binary download: it is fetched as a
// separate step, and where it cannot be (an offline or locked-down machine) the station runs
// in browser mode instead. Users' machines download it as usual.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const wantTest = process.argv.includes('--test');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  return r.status ?? 1;
}
function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

// 1. System packages (tests only): Chromium for Playwright, libusb/hidapi runtime for node-hid,
//    python3-fido2, fido2-tools, libfido2-dev and a C compiler for the interoperability tests,
//    poppler-utils (pdftoppm) for the PIN slip picture the provisioning e2e makes.
if (wantTest && process.platform === 'linux' && have('apt-get')) {
  const needed = [
    ['chromium', () => existsSync('/usr/bin/chromium')],
    [
      'libusb-1.0-0',
      () =>
        existsSync('/usr/lib/x86_64-linux-gnu/libusb-1.0.so.0') ||
        existsSync('/usr/lib/aarch64-linux-gnu/libusb-1.0.so.0'),
    ],
    [
      'python3-fido2',
      () => spawnSync('/usr/bin/python3', ['-c', 'import fido2'], { stdio: 'ignore' }).status === 0,
    ],
    ['fido2-tools', () => have('fido2-token')],
    ['libfido2-dev', () => existsSync('/usr/include/fido.h')],
    ['gcc', () => have('cc')],
    ['fonts-dejavu-core', () => existsSync('/usr/share/fonts/truetype/dejavu')],
    ['poppler-utils', () => have('pdftoppm')],
  ]
    .filter(([, ok]) => !ok())
    .map(([name]) => name);
  if (needed.length > 0) {
    const sudo = process.getuid && process.getuid() === 0 ? [] : ['sudo'];
    console.log(`setup: installing system packages: ${needed.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run(
      sudo[0] ?? 'apt-get',
      [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), 'update', '-qq'],
      { env },
    );
    const rc = run(
      sudo[0] ?? 'apt-get',
      [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), 'install', '-y', '-qq', ...needed],
      { env },
    );
    if (rc !== 0) {
      console.error(
        'setup: could not install system packages; the e2e and interop tests need them.',
      );
      process.exit(rc);
    }
  }
}

// 2. npm packages, as locked. (`npm install`, not `npm ci`: npm 11 leaves cbor-extract's optional
//    per-platform packages out of the lock file and `npm ci` then refuses the lock as out of sync.) The Electron binary is skipped here and fetched below.
const lockHash = existsSync(join(root, 'package-lock.json'))
  ? readFileSync(join(root, 'package-lock.json'), 'utf8').length
  : 0;
const stamp = join(root, 'node_modules', '.keystation-setup');
const upToDate = existsSync(stamp) && readFileSync(stamp, 'utf8') === String(lockHash);
if (!upToDate) {
  const rc = run('npm', ['install', '--no-audit', '--no-fund'], {
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
  if (rc !== 0) process.exit(rc);
  spawnSync('sh', ['-c', `printf %s ${lockHash} > "${stamp}"`]);
}

// 3. The Electron runtime (desktop app). Not needed for browser mode or the tests.
const electronDir = join(root, 'node_modules', 'electron');
if (existsSync(join(electronDir, 'install.js')) && !existsSync(join(electronDir, 'path.txt'))) {
  const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    cwd: electronDir,
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 180_000,
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' },
  });
  if (r.status === 0 && existsSync(join(electronDir, 'path.txt'))) {
    console.log('setup: Electron runtime installed.');
  } else {
    console.log(
      'setup: the Electron runtime could not be downloaded on this machine; `npm start` will run the station in browser mode.',
    );
  }
}
console.log('setup: done.');
