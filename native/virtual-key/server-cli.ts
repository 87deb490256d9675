/**
 * `keystation-virtual-key --port <port> [--state <file>] [--touch auto|manual|deny]
 *   [--touch-timeout <ms>] [--attestation test|generated] [--seed <s>] [--builtin-uv]`
 * Serves one virtual key on udp:127.0.0.1:<port>. Prints exactly one line when ready; exits
 * cleanly on SIGINT/SIGTERM. In manual mode, Enter on a TTY stdin touches the key ('d' + Enter
 * refuses).
 */
import { parseArgs } from 'node:util';
import { startUdpVirtualKey } from './udp';
import type { AttestationMode, TouchMode } from './options';

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: keystation-virtual-key --port <port> [--state <file>] [--touch auto|manual|deny] [--touch-timeout <ms>] [--attestation test|generated] [--seed <seed>] [--builtin-uv]\n`,
  );
  process.exit(2);
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

  const server = await startUdpVirtualKey({
    port,
    host: '127.0.0.1',
    touch,
    attestation,
    ...(values.state ? { statePath: values.state } : {}),
    ...(values.seed ? { seed: values.seed } : {}),
    ...(touchTimeoutMs ? { touchTimeoutMs } : {}),
    builtInUv: values['builtin-uv'] === true,
  });
  if (touch === 'manual') {
    server.key.on('upneeded', () =>
      process.stderr.write('touch needed: Enter = touch, d + Enter = deny\n'),
    );
    if (process.stdin.isTTY) {
      process.stdin.setEncoding('utf8');
      process.stdin.on('data', (line: string) => {
        const done = line.trim().toLowerCase() === 'd' ? server.key.deny() : server.key.touch();
        if (!done) process.stderr.write('(no touch pending)\n');
      });
    }
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdout.write(`keystation-virtual-key listening on ${server.path}\n`);
}

void main().catch((e: unknown) => {
  process.stderr.write(`keystation-virtual-key: ${(e as Error).message}\n`);
  process.exit(1);
});
