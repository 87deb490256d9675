/**
 * `keystation-virtual-key --port <port> [--profile ctap21|ctap21pre|ctap20|u2f|bio|fips]
 *   [--state <file>] [--touch auto|manual|deny] [--touch-timeout <ms>] [--touch-delay <ms>]
 *   [--key-time-ms <ms>] [--count <n>] [--attestation test|generated] [--seed <s>] [--builtin-uv]
 *   [--no-wink]`
 * Serves a virtual key on udp:127.0.0.1:<port> and prints exactly one line per key when ready
 * (`--count n`: n keys, each on its own port; with `--port 0` each picks a free one). Exits
 * cleanly on SIGINT/SIGTERM. In manual mode, Enter on a TTY stdin touches the key, 'd' + Enter
 * refuses, 'g' / 'b' + Enter puts a good / bad finger on the sensor.
 */
import { parseArgs } from 'node:util';
import { startUdpVirtualKey, type UdpVirtualKey } from './udp';
import type { AttestationMode, TouchMode } from './options';
import { KEY_PROFILES, isKeyProfileName } from './profiles';

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: keystation-virtual-key --port <port> [--profile ${KEY_PROFILES.join('|')}] [--state <file>] [--touch auto|manual|deny] [--touch-timeout <ms>] [--touch-delay <ms>] [--key-time-ms <ms>] [--count <n>] [--attestation test|generated] [--seed <seed>] [--builtin-uv] [--no-wink]\n`,
  );
  process.exit(2);
}

function nonNegative(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) usage(`${name} must be a number of ms (0 or more)`);
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        state: { type: 'string' },
        touch: { type: 'string', default: 'auto' },
        'touch-timeout': { type: 'string' },
        attestation: { type: 'string', default: 'test' },
        seed: { type: 'string' },
        'builtin-uv': { type: 'boolean', default: false },
        'no-wink': { type: 'boolean', default: false },
        profile: { type: 'string', default: 'ctap21' },
        'touch-delay': { type: 'string' },
        'key-time-ms': { type: 'string' },
        count: { type: 'string', default: '1' },
      },
      strict: true,
    }));
  } catch (e) {
    usage((e as Error).message);
  }
  const port = Number(values.port);
  if (!values.port || !Number.isInteger(port) || port < 0 || port > 65535)
    usage('--port <0-65535> is required');
  const touch = values.touch as TouchMode;
  if (!['auto', 'manual', 'deny'].includes(touch)) usage('--touch must be auto, manual or deny');
  const attestation = values.attestation as AttestationMode;
  if (!['test', 'generated'].includes(attestation))
    usage('--attestation must be test or generated');
  const touchTimeoutMs =
    values['touch-timeout'] !== undefined ? Number(values['touch-timeout']) : undefined;
  if (touchTimeoutMs !== undefined && !(touchTimeoutMs > 0))
    usage('--touch-timeout must be a positive number of ms');

  const profile = values.profile;
  if (!isKeyProfileName(profile)) usage(`--profile must be one of ${KEY_PROFILES.join(', ')}`);
  const touchDelayMs = nonNegative(values['touch-delay'], '--touch-delay');
  const keyTimeMs = nonNegative(values['key-time-ms'], '--key-time-ms');
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1 || count > 64) usage('--count must be 1..64');
  if (count > 1 && values.state) usage('--state serves one key: leave out --count');
  if (count > 1 && port !== 0 && port + count - 1 > 65535) usage('--port too high for --count');

  const servers: UdpVirtualKey[] = [];
  for (let i = 0; i < count; i++) {
    servers.push(
      await startUdpVirtualKey({
        port: port === 0 ? 0 : port + i,
        host: '127.0.0.1',
        profile,
        touch,
        attestation,
        ...(values.state ? { statePath: values.state } : {}),
        ...(values.seed ? { seed: count > 1 ? `${values.seed}-${i}` : values.seed } : {}),
        ...(touchTimeoutMs ? { touchTimeoutMs } : {}),
        ...(touchDelayMs !== undefined ? { touchDelayMs } : {}),
        ...(keyTimeMs !== undefined ? { keyTimeMs } : {}),
        builtInUv: values['builtin-uv'] === true,
        ...(values['no-wink'] === true ? { wink: false } : {}),
      }),
    );
  }
  const [server] = servers;
  if (touch === 'manual' && count === 1) {
    server.key.on('upneeded', () =>
      process.stderr.write(
        'touch needed: Enter = touch, d + Enter = deny, g / b + Enter = good / bad finger\n',
      ),
    );
    if (process.stdin.isTTY) {
      process.stdin.setEncoding('utf8');
      process.stdin.on('data', (line: string) => {
        const answer = line.trim().toLowerCase();
        const done =
          answer === 'd'
            ? server.key.deny()
            : answer === 'g' || answer === 'b'
              ? server.key.presentFinger(answer === 'g' ? 'good' : 'bad')
              : server.key.touch();
        if (!done) process.stderr.write('(no touch pending)\n');
      });
    }
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void Promise.all(servers.map((s) => s.close())).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  for (const s of servers) process.stdout.write(`keystation-virtual-key listening on ${s.path}\n`);
}

void main().catch((e: unknown) => {
  process.stderr.write(`keystation-virtual-key: ${(e as Error).message}\n`);
  process.exit(1);
});
