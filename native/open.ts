/** Open a key by target in one call: connection → CTAPHID INIT → getInfo. */
import { CtapHidDevice, type CommandOptions, type OpenOptions } from './ctaphid/device';
import { Ctap2, type Ctap2Options } from './ctap2/client';
import { openConnection, type DeviceTarget } from './hid/discovery';
import type { NodeHidOptions } from './hid/nodeHid';

export async function openCtapHidDevice(
  target: DeviceTarget,
  options: OpenOptions & NodeHidOptions = {},
): Promise<CtapHidDevice> {
  const connection = await openConnection(target, options);
  try {
    return await CtapHidDevice.open(connection, options);
  } catch (e) {
    // Don't close a connection the caller handed us; close the one we opened.
    if (connection !== target) await connection.close().catch(() => undefined);
    throw e;
  }
}

export async function openAuthenticator(
  target: DeviceTarget,
  options: OpenOptions & NodeHidOptions & Ctap2Options & Pick<CommandOptions, 'onKeepalive'> = {},
): Promise<Ctap2> {
  const device = await openCtapHidDevice(target, options);
  try {
    return await Ctap2.open(device, { ...options, timeoutMs: options.timeoutMs });
  } catch (e) {
    if (device.connection !== target) await device.close().catch(() => undefined);
    throw e;
  }
}
