/**
 * `reset`, guided the way Yubico Authenticator does it: keys accept a reset only within a few
 * seconds of power-up (5 s on a YubiKey), so the person removes the key, plugs it back in, and
 * the reset goes out as soon as the same model is seen again; then "touch" or, on keys with
 * longTouchForReset, "hold for 5 s".
 */
import type { HidDeviceDescriptor, KeyManager } from '../../index';
import { UsageError } from '../args';
import type { Session } from '../session';
import type { CliCommand } from './command';

const REINSERT_TIMEOUT_MS = 60_000;

function touchInstruction(km: KeyManager): string {
  return km.info.longTouchForReset
    ? 'Now press and hold the key for 5 seconds…'
    : 'Now touch the key…';
}

async function waitFor(
  s: Session,
  what: string,
  test: (devices: HidDeviceDescriptor[]) => HidDeviceDescriptor | boolean | undefined,
): Promise<HidDeviceDescriptor | true> {
  const deadline = Date.now() + REINSERT_TIMEOUT_MS;
  for (;;) {
    const hit = test(await s.devices());
    if (hit) return hit;
    if (s.controller.signal.aborted) throw new UsageError('Not reset.');
    if (Date.now() > deadline)
      throw new UsageError(`Not reset: gave up waiting for the key to be ${what}.`);
    await new Promise((r) => setTimeout(r, s.io.pollMs ?? 250));
  }
}

const sameModel = (a: HidDeviceDescriptor, b: HidDeviceDescriptor) =>
  a.vendorId === b.vendorId && a.productId === b.productId;

export const reset: CliCommand = {
  name: 'reset',
  usage: [
    'reset [--yes] [--now]                 wipe the key: remove and re-insert it when asked',
    '                                      (--now: it was plugged in just now, send at once)',
  ],
  async run(s: Session) {
    if (!s.args.yes && s.io.pins.interactive) {
      const answer = await s.io.pins.read(
        'This deletes the PIN, every passkey and fingerprint on the key. Type "yes" to continue: ',
      );
      if (answer.trim().toLowerCase() !== 'yes') throw new UsageError('Not reset.');
    }
    const first = await s.key();
    const descriptor = first.ctap.device.connection.descriptor;
    const aaguid = first.info.aaguid;
    // Only a USB key can be re-inserted; a UDP or in-process key is reset at once.
    if (descriptor.kind !== 'usb' || s.args.now) {
      s.io.err(touchInstruction(first));
      await first.reset();
      s.print('The key was reset.', { ok: true });
      return;
    }
    await s.close();
    s.io.err('Remove the key now.');
    await waitFor(s, 'removed', (ds) => !ds.some((d) => d.path === descriptor.path));
    s.io.err('Plug it back in.');
    const back = (await waitFor(s, 'plugged back in', (ds) =>
      ds.find((d) => sameModel(d, descriptor)),
    )) as HidDeviceDescriptor;
    const km = await s.openManager(back);
    try {
      if (km.info.aaguid !== aaguid)
        throw new UsageError('That is a different key model than before: not reset.');
      s.io.err(touchInstruction(km));
      await km.reset();
    } finally {
      await km.close().catch(() => undefined);
    }
    s.print('The key was reset.', { ok: true });
  },
};
