/**
 * The bench's key hub: `tsx test/bench/provision-keys.ts --count N --key-time-ms MS` serves N
 * virtual keys on free UDP ports in this (separate) process and prints one JSON line with their
 * paths. The keys stay powered like keys in a hub, so a confirmed reset between people is always
 * inside the power-up window. Stops on SIGTERM or when stdin closes.
 */
import { startUdpVirtualKey } from '../../native/virtual-key';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const count = arg('--count', 1);
const keyTimeMs = arg('--key-time-ms', 150);
const keys = await Promise.all(
  Array.from({ length: count }, () =>
    startUdpVirtualKey({ port: 0, keyTimeMs, resetWindowMs: 24 * 3600_000, capacity: 100 }),
  ),
);
process.stdout.write(`${JSON.stringify({ paths: keys.map((k) => k.path) })}\n`);
const stop = () => void Promise.all(keys.map((k) => k.close())).then(() => process.exit(0));
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
