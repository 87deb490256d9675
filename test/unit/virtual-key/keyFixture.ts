/**
 * Shared set-up of the virtual-key authenticator tests: status bytes (CTAP 2.1 §8.2), a key
 * with an initialised test platform, and clean-up after each test (keys unplugged, temporary
 * state directories removed).
 */
import { rmSync } from 'node:fs';
import { afterEach, expect } from 'vitest';
import { VirtualKey, type VirtualKeyOptions } from '../../../native/virtual-key';
import { PlatformPin, TestPlatform } from './harness';

export const S = {
  OK: 0x00,
  INVALID_COMMAND: 0x01,
  INVALID_PARAMETER: 0x02,
  CBOR_UNEXPECTED_TYPE: 0x11,
  INVALID_CBOR: 0x12,
  MISSING_PARAMETER: 0x14,
  CREDENTIAL_EXCLUDED: 0x19,
  UNSUPPORTED_ALGORITHM: 0x26,
  OPERATION_DENIED: 0x27,
  KEY_STORE_FULL: 0x28,
  UNSUPPORTED_OPTION: 0x2b,
  INVALID_OPTION: 0x2c,
  NO_CREDENTIALS: 0x2e,
  USER_ACTION_TIMEOUT: 0x2f,
  NOT_ALLOWED: 0x30,
  PIN_INVALID: 0x31,
  PIN_BLOCKED: 0x32,
  PIN_AUTH_INVALID: 0x33,
  PIN_AUTH_BLOCKED: 0x34,
  PIN_NOT_SET: 0x35,
  PUAT_REQUIRED: 0x36,
  PIN_POLICY_VIOLATION: 0x37,
  INVALID_SUBCOMMAND: 0x3e,
  UNAUTHORIZED_PERMISSION: 0x40,
};
export const PERM = { mc: 1, ga: 2, cm: 4, be: 8, acfg: 0x20 };
export const PIN = '1234';

/** Keys to unplug and directories to remove after the current test. */
export const keys: VirtualKey[] = [];
export const dirs: string[] = [];
afterEach(() => {
  for (const k of keys.splice(0)) k.unplug();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export async function open(
  opts: VirtualKeyOptions = {},
): Promise<{ key: VirtualKey; p: TestPlatform; pin2: PlatformPin; pin1: PlatformPin }> {
  const key = new VirtualKey({ seed: 'ctap2', touchTimeoutMs: 200, ...opts });
  keys.push(key);
  const p = new TestPlatform(key.connect());
  await p.init();
  return { key, p, pin2: new PlatformPin(p, 2), pin1: new PlatformPin(p, 1) };
}

export async function withPin(opts: VirtualKeyOptions = {}) {
  const ctx = await open(opts);
  expect(await ctx.pin2.setPin(PIN)).toBe(S.OK);
  return ctx;
}
