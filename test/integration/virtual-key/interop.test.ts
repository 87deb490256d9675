/**
 * Independent FIDO clients against the virtual key over UDP: python-fido2 0.9.1 (Debian's
 * /usr/bin/python3) and libfido2 1.12 (a small C harness with custom I/O, built here if a
 * compiler and libfido2-dev are present). The attestation object python-fido2 obtained is
 * also verified with @simplewebauthn/server, trusting the virtual key's root.
 */
import { execFile, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { SettingsService, verifyRegistrationResponse } from '@simplewebauthn/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TEST_ATTESTATION_ROOT_PEM,
  VIRTUAL_KEY_AAGUID,
  startUdpVirtualKey,
} from '../../../native/virtual-key';
import {
  attestationRootPem,
  generateAttestationIdentity,
} from '../../../native/virtual-key/attestation';
import { SeededRandom } from '../../../native/virtual-key/rng';

const run = promisify(execFile);
const interopDir = resolve(__dirname, '../../interop');
const PYTHON = '/usr/bin/python3';

const hasPythonFido2 = spawnSync(PYTHON, ['-c', 'import fido2'], { stdio: 'ignore' }).status === 0;
const hasLibfido2Dev =
  spawnSync('sh', ['-c', 'command -v cc && pkg-config --exists libfido2'], { stdio: 'ignore' })
    .status === 0;

let dir: string;
let rootPemPath: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vk-interop-'));
  rootPemPath = join(dir, 'root.pem');
  writeFileSync(rootPemPath, TEST_ATTESTATION_ROOT_PEM);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface PythonResult {
  ok: boolean;
  error?: string;
  checks: string[];
  registration?: { attestationObject: string; clientDataJSON: string; challenge: string };
}

async function python(
  phase: 'setup' | 'reset' | 'builtin-uv' | 'ctap20' | 'ctap21pre' | 'bio',
  port: number,
): Promise<PythonResult> {
  const { stdout } = await run(
    PYTHON,
    ['python_fido2_interop.py', phase, String(port), rootPemPath],
    {
      cwd: interopDir,
      timeout: 60_000,
    },
  ).catch((e: { stdout?: string; stderr?: string }) => {
    throw new Error(`python-fido2 ${phase} failed: ${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  });
  const last = stdout.trim().split('\n').pop() ?? '{}';
  return JSON.parse(last) as PythonResult;
}

if (!hasPythonFido2)
  console.warn('skipping python-fido2 interop: /usr/bin/python3 lacks the fido2 module');
if (!hasLibfido2Dev)
  console.warn(
    'skipping libfido2 interop: needs cc and libfido2-dev (apt-get install libfido2-dev)',
  );

describe.skipIf(!hasPythonFido2)('python-fido2 0.9.1 over UDP', () => {
  it('sets a PIN, registers, asserts, manages credentials; then resets after a power-up', async () => {
    const statePath = join(dir, 'python-key.json');
    const first = await startUdpVirtualKey({ statePath });
    let setup: PythonResult;
    try {
      setup = await python('setup', first.port);
    } finally {
      await first.close();
    }
    expect(setup.error).toBeUndefined();
    expect(setup.ok).toBe(true);
    expect(setup.checks).toContain('credMgmt: deleteCredential');
    expect(setup.checks.length).toBeGreaterThan(25);

    // An independent verifier: @simplewebauthn/server, trusting only the virtual key's root.
    const reg = setup.registration;
    expect(reg).toBeDefined();
    if (!reg) return;
    SettingsService.setRootCertificates({
      identifier: 'packed',
      certificates: [TEST_ATTESTATION_ROOT_PEM],
    });
    const verification = await verifyRegistrationResponse({
      response: {
        id: 'unused',
        rawId: 'unused',
        type: 'public-key',
        clientExtensionResults: {},
        response: { attestationObject: reg.attestationObject, clientDataJSON: reg.clientDataJSON },
      },
      expectedChallenge: reg.challenge,
      expectedOrigin: 'https://example.com',
      expectedRPID: 'example.com',
      requireUserVerification: true,
    });
    expect(verification.verified).toBe(true);
    expect(verification.registrationInfo?.aaguid).toBe(VIRTUAL_KEY_AAGUID);
    expect(verification.registrationInfo?.fmt).toBe('packed');
    // …and the same object is refused when another root is trusted (the check can fail).
    const otherRoot = attestationRootPem(
      generateAttestationIdentity(new SeededRandom('another vendor')),
    );
    SettingsService.setRootCertificates({ identifier: 'packed', certificates: [otherRoot] });
    await expect(
      verifyRegistrationResponse({
        response: {
          id: 'unused',
          rawId: 'unused',
          type: 'public-key',
          clientExtensionResults: {},
          response: {
            attestationObject: reg.attestationObject,
            clientDataJSON: reg.clientDataJSON,
          },
        },
        expectedChallenge: reg.challenge,
        expectedOrigin: 'https://example.com',
        expectedRPID: 'example.com',
      }),
    ).rejects.toThrow();

    // A restart is a power-up: the state file keeps the PIN, and reset is allowed for 10 s.
    const second = await startUdpVirtualKey({ statePath });
    try {
      const reset = await python('reset', second.port);
      expect(reset.error).toBeUndefined();
      expect(reset.checks).toEqual([
        'PIN survived the restart (state file)',
        'reset cleared the PIN',
        'reset cleared discoverable credentials',
      ]);
    } finally {
      await second.close();
    }
  });
});

describe.skipIf(!hasPythonFido2)('python-fido2 0.9.1 with built-in UV', () => {
  it('registers and asserts with the key verifying the user itself', async () => {
    const server = await startUdpVirtualKey({ builtInUv: true });
    try {
      const r = await python('builtin-uv', server.port);
      expect(r.error).toBeUndefined();
      expect(r.checks).toEqual([
        'getInfo uv true',
        'registration verified by built-in UV',
        'assertion verified by built-in UV',
      ]);
    } finally {
      await server.close();
    }
  });
});

describe.skipIf(!hasPythonFido2)('python-fido2 0.9.1 against the key profiles', () => {
  it('ctap20: FIDO_2_0, PIN protocol 1 and the legacy token, U2F beside CTAP2', async () => {
    const server = await startUdpVirtualKey({ profile: 'ctap20' });
    try {
      const r = await python('ctap20', server.port);
      expect(r.error).toBeUndefined();
      expect(r.checks).toContain('register + assert with the legacy PIN token');
      expect(r.checks).toContain('ctap20: U2F AUTHENTICATE (signature verifies, user present)');
    } finally {
      await server.close();
    }
  });

  it('ctap21pre: credential management 0x41, bio enrollment 0x40, U2F', async () => {
    const server = await startUdpVirtualKey({ profile: 'ctap21pre' });
    try {
      const r = await python('ctap21pre', server.port);
      expect(r.error).toBeUndefined();
      expect(r.checks).toEqual(
        expect.arrayContaining([
          'credMgmt 0x41: metadata',
          'credMgmt 0x41: RP enumerated',
          'bio 0x40: a finger enrolled in 4 samples',
          'bio 0x40: enumerate + rename',
          'ctap21pre: U2F REGISTER (attestation signature verifies)',
        ]),
      );
      expect(server.key.summary.fingerprintCount).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('bio: enrollment with a bad then good samples, rename, UV token by finger, removal', async () => {
    const server = await startUdpVirtualKey({
      profile: 'bio',
      touch: 'manual',
      touchTimeoutMs: 20_000,
    });
    const fingers: ('good' | 'bad')[] = ['bad'];
    server.key.on('upneeded', () =>
      setImmediate(() => server.key.presentFinger(fingers.shift() ?? 'good')),
    );
    try {
      const r = await python('bio', server.port);
      expect(r.error).toBeUndefined();
      expect(r.checks).toEqual([
        'bioEnroll and uv false before enrollment',
        'sensor info: 4 samples',
        'a bad sample: poor quality, nothing gained',
        'four good samples enroll the finger',
        'enumerate + rename',
        'bioEnroll and uv true after enrollment',
        'getPinUvAuthTokenUsingUvWithPermissions with the enrolled finger',
        'removing the last finger: uv false again',
      ]);
    } finally {
      await server.close();
    }
  });
});

describe.skipIf(!hasLibfido2Dev)('libfido2 1.12 over UDP', () => {
  it('sets a PIN, makes and verifies a credential, asserts, manages credentials (0x41), resets', async () => {
    const bin = join(dir, 'libfido2_udp');
    await run('sh', [
      '-c',
      `cc -o ${bin} ${join(interopDir, 'libfido2_udp.c')} $(pkg-config --cflags --libs libfido2)`,
    ]);
    const x5c = join(dir, 'x5c.der');
    const server = await startUdpVirtualKey({});
    try {
      const { stdout } = await run(bin, [String(server.port), 'setup', '135790', x5c], {
        timeout: 60_000,
      });
      expect(stdout).toContain('ok verify attestation signature (packed, x5c)');
      expect(stdout).toContain('ok verify assertion signature');
      expect(stdout).toContain('credman existing 1 remaining 24');
      expect(stdout).toContain('credman existing after delete 0');
      expect(stdout).toContain('wrong PIN -> FIDO_ERR_PIN_INVALID');
      expect(stdout).toMatch(/done\n$/);
      const reset = await run(bin, [String(server.port), 'reset'], { timeout: 30_000 });
      expect(reset.stdout).toContain('fido_dev_has_pin after reset 0');
    } finally {
      await server.close();
    }
    // The batch certificate chains to the exported root (openssl as a third verifier).
    const pem = join(dir, 'x5c.pem');
    await run('openssl', ['x509', '-inform', 'der', '-in', x5c, '-out', pem]);
    const { stdout } = await run('openssl', ['verify', '-CAfile', rootPemPath, pem]);
    expect(stdout.trim()).toBe(`${pem}: OK`);
    expect(readFileSync(x5c).length).toBeGreaterThan(300);
  });
});

const hasLibfido2Tools =
  hasLibfido2Dev &&
  spawnSync(
    'sh',
    [
      '-c',
      'command -v fido2-token && command -v fido2-cred && command -v fido2-assert && command -v setsid',
    ],
    {
      stdio: 'ignore',
    },
  ).status === 0;
if (!hasLibfido2Tools)
  console.warn(
    'skipping fido2-token/fido2-cred/fido2-assert interop: needs fido2-tools, libfido2-dev, setsid',
  );

describe.skipIf(!hasLibfido2Tools)(
  'fido2-token / fido2-cred / fido2-assert 1.12 over UDP (LD_PRELOAD shim)',
  () => {
    it('set PIN, make + verify credential, assert + verify, list/delete, reset after power-up', async () => {
      const shim = join(dir, 'udp_preload.so');
      await run('sh', [
        '-c',
        `cc -shared -fPIC -o ${shim} ${join(interopDir, 'udp_preload.c')} $(pkg-config --cflags --libs libfido2) -ldl`,
      ]);
      const work = mkdtempSync(join(dir, 'tools-'));
      const statePath = join(dir, 'tools-key.json');
      const script = join(interopDir, 'libfido2-tools.sh');
      const first = await startUdpVirtualKey({ statePath });
      let setup: string;
      try {
        setup = (await run('sh', [script, shim, first.path, 'setup', work], { timeout: 60_000 }))
          .stdout;
      } finally {
        await first.close();
      }
      expect(setup).toContain('ok fido2-cred -V: packed attestation verifies');
      expect(setup).toContain('ok fido2-assert -V: assertion verifies');
      expect(setup).toContain('ok fido2-token -D: credential deleted');
      expect(setup).toContain('ok wrong PIN costs one retry');
      expect(setup.trim().endsWith('done')).toBe(true);
      const x5c = new X509Certificate(readFileSync(join(work, 'x5c.der')));
      expect(x5c.verify(new X509Certificate(TEST_ATTESTATION_ROOT_PEM).publicKey)).toBe(true);
      const second = await startUdpVirtualKey({ statePath });
      try {
        const { stdout } = await run('sh', [script, shim, second.path, 'reset', work], {
          timeout: 30_000,
        });
        expect(stdout).toContain('ok PIN gone after reset');
      } finally {
        await second.close();
      }
    });

    for (const profile of ['ctap20', 'bio'] as const) {
      it(`${profile}: fido2-token, fido2-cred and fido2-assert against the ${profile} profile`, async () => {
        const shim = join(dir, `udp_preload_${profile}.so`);
        await run('sh', [
          '-c',
          `cc -shared -fPIC -o ${shim} ${join(interopDir, 'udp_preload.c')} $(pkg-config --cflags --libs libfido2) -ldl`,
        ]);
        const work = mkdtempSync(join(dir, `tools-${profile}-`));
        const server = await startUdpVirtualKey({ profile });
        try {
          const { stdout } = await run(
            'sh',
            [join(interopDir, 'libfido2-tools.sh'), shim, server.path, profile, work],
            { timeout: 60_000 },
          );
          if (profile === 'ctap20') {
            expect(stdout).toContain('ok fido2-token -I: FIDO_2_0 only');
            expect(stdout).toContain('ok fido2-cred -V: attestation verifies');
            expect(stdout).toContain('ok fido2-assert -V: assertion verifies');
            expect(stdout).toContain(
              'ok fido2-token -L -r refused: no credential management on 2.0',
            );
          } else {
            expect(stdout).toContain('ok fido2-token -S -e: finger enrolled in 4 samples');
            expect(stdout).toContain('ok template named Thumb');
            expect(stdout).toContain('ok no finger left');
          }
          expect(stdout.trim().endsWith('done')).toBe(true);
        } finally {
          await server.close();
        }
      });
    }

    it('ctap21pre: fido2-token -I shows FIDO_2_1_PRE and the previews; -I -c counts via 0x41', async () => {
      const shim = join(dir, 'udp_preload_pre.so');
      await run('sh', [
        '-c',
        `cc -shared -fPIC -o ${shim} ${join(interopDir, 'udp_preload.c')} $(pkg-config --cflags --libs libfido2) -ldl`,
      ]);
      const server = await startUdpVirtualKey({ profile: 'ctap21pre' });
      const env = { ...process.env, LD_PRELOAD: shim };
      try {
        const info = (await run('fido2-token', ['-I', server.path], { env, timeout: 30_000 }))
          .stdout;
        expect(info).toContain('version strings: U2F_V2, FIDO_2_0, FIDO_2_1_PRE');
        expect(info).toContain('credentialMgmtPreview');
        expect(info).toContain('nouserVerificationMgmtPreview');
        const pin = '135790';
        await run(
          'sh',
          ['-c', `printf '${pin}\\n${pin}\\n' | setsid -w fido2-token -S ${server.path}`],
          {
            env,
            timeout: 30_000,
          },
        );
        const count = await run(
          'sh',
          ['-c', `echo ${pin} | setsid -w fido2-token -I -c ${server.path}`],
          {
            env,
            timeout: 30_000,
          },
        );
        expect(count.stdout).toContain('existing rk(s): 0');
        expect(count.stdout).toContain('remaining rk(s): 25');
      } finally {
        await server.close();
      }
    });
  },
);
