import { describe, expect, it } from 'vitest';
import { CTAPHID_BROADCAST_CID, CtapHidCommand } from '../../../native/ctaphid/constants';
import { CtapHidDevice } from '../../../native/ctaphid/device';
import { encodeFrames } from '../../../native/ctaphid/framing';
import { TransportError } from '../../../native/errors';
import { ReplayHidConnection } from '../../../native/hid/replay';
import { TEST_CID, initReply, keepalive, scriptedKey, toHex } from './helpers';

const fixedNonce = () => Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);

describe('CtapHidDevice', () => {
  it('INIT: sends the random nonce on the broadcast channel and takes the allocated CID', async () => {
    const { connection } = scriptedKey(() => ({ kind: 'silent' }));
    const device = await CtapHidDevice.open(connection, { randomBytes: fixedNonce });
    expect(toHex(connection.written[0].subarray(0, 15))).toBe(
      'ffffffff860008' + '0102030405060708',
    );
    expect(device.channelId).toBe(TEST_CID);
    expect(device.deviceVersion).toEqual({ major: 5, minor: 2, build: 1 });
    expect(device.capabilities.wink).toBe(true);
  });

  it('INIT: skips replies for other nonces, fails after the deadline with nonce-mismatch', async () => {
    const other = encodeFrames(
      CTAPHID_BROADCAST_CID,
      CtapHidCommand.INIT,
      initReply(new Uint8Array(8).fill(9)),
    );
    const connection = new ReplayHidConnection(() => other);
    await expect(
      CtapHidDevice.open(connection, { randomBytes: fixedNonce, timeoutMs: 100 }),
    ).rejects.toMatchObject({
      code: 'nonce-mismatch',
    });
    const good = new ReplayHidConnection((r) => [
      ...other,
      ...encodeFrames(CTAPHID_BROADCAST_CID, CtapHidCommand.INIT, initReply(r.subarray(7, 15))),
    ]);
    expect((await CtapHidDevice.open(good, { randomBytes: fixedNonce })).channelId).toBe(TEST_CID);
  });

  it('ping round-trips a large payload; reports on other channels are ignored', async () => {
    const { connection } = scriptedKey((cmd, payload) => ({
      kind: 'reports',
      reports: [
        encodeFrames(0x0badcafe, cmd, Uint8Array.of(1))[0],
        ...encodeFrames(TEST_CID, cmd, payload),
      ],
    }));
    const device = await CtapHidDevice.open(connection);
    const data = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
    expect(await device.ping(data)).toEqual(data);
  });

  it('keepalive PROCESSING → UPNEEDED reaches the callback once per change', async () => {
    const { connection } = scriptedKey((cmd) => ({
      kind: 'reports',
      reports: [
        keepalive(1),
        keepalive(1),
        keepalive(2),
        keepalive(2),
        ...encodeFrames(TEST_CID, cmd, Uint8Array.of(0)),
      ],
    }));
    const device = await CtapHidDevice.open(connection);
    const seen: string[] = [];
    await device.cbor(Uint8Array.of(0x0b), { onKeepalive: (s) => seen.push(s) });
    expect(seen).toEqual(['processing', 'up-needed']);
  });

  it('CHANNEL_BUSY is retried, then gives up with busy', async () => {
    let calls = 0;
    const { connection } = scriptedKey((cmd) => {
      calls++;
      if (calls < 3)
        return { kind: 'reply', command: CtapHidCommand.ERROR, payload: Uint8Array.of(0x06) };
      return { kind: 'reply', command: cmd, payload: Uint8Array.of(0) };
    });
    const device = await CtapHidDevice.open(connection);
    expect(await device.cbor(Uint8Array.of(4))).toEqual(Uint8Array.of(0));
    expect(calls).toBe(3);

    const busy = scriptedKey(() => ({
      kind: 'reply',
      command: CtapHidCommand.ERROR,
      payload: Uint8Array.of(0x06),
    }));
    const d2 = await CtapHidDevice.open(busy.connection);
    await expect(d2.cbor(Uint8Array.of(4), { timeoutMs: 200 })).rejects.toMatchObject({
      code: 'busy',
      hidErrorCode: 6,
    });
  });

  it('CTAPHID_ERROR codes become TransportError with the ERR byte', async () => {
    const { connection } = scriptedKey(() => ({
      kind: 'reply',
      command: CtapHidCommand.ERROR,
      payload: Uint8Array.of(0x04),
    }));
    const device = await CtapHidDevice.open(connection);
    await expect(device.cbor(Uint8Array.of(4))).rejects.toMatchObject({
      code: 'ctaphid-error',
      hidErrorCode: 4,
    });
  });

  it('timeout: CANCEL is sent and the call rejects with timeout', async () => {
    const { connection, requests } = scriptedKey((cmd) =>
      cmd === CtapHidCommand.CANCEL
        ? { kind: 'silent' }
        : { kind: 'reports', reports: [keepalive(2)] },
    );
    const device = await CtapHidDevice.open(connection);
    const t0 = Date.now();
    await expect(device.cbor(Uint8Array.of(1), { timeoutMs: 150 })).rejects.toMatchObject({
      code: 'timeout',
    });
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(requests.map((r) => r.command)).toEqual([CtapHidCommand.CBOR, CtapHidCommand.CANCEL]);
  });

  it('AbortSignal: CANCEL is sent, the key answers KEEPALIVE_CANCEL, the call rejects with cancelled', async () => {
    const { connection, requests } = scriptedKey((cmd) =>
      cmd === CtapHidCommand.CANCEL
        ? { kind: 'reply', command: CtapHidCommand.CBOR, payload: Uint8Array.of(0x2d) }
        : { kind: 'reports', reports: [keepalive(2)] },
    );
    const device = await CtapHidDevice.open(connection);
    const controller = new AbortController();
    const pending = device.cbor(Uint8Array.of(1), {
      signal: controller.signal,
      onKeepalive: (s) => s === 'up-needed' && controller.abort(),
    });
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
    expect(requests.at(-1)?.command).toBe(CtapHidCommand.CANCEL);
    // the channel is still usable
    const again = scriptedKey((cmd) => ({
      kind: 'reply',
      command: cmd,
      payload: Uint8Array.of(0),
    }));
    expect(await (await CtapHidDevice.open(again.connection)).cbor(Uint8Array.of(4))).toEqual(
      Uint8Array.of(0),
    );
  });

  it('unplug mid-transaction rejects with unplugged; later calls too', async () => {
    const { connection, requests } = scriptedKey(() => ({
      kind: 'reports',
      reports: [keepalive(1)],
    }));
    const device = await CtapHidDevice.open(connection);
    const pending = device.cbor(Uint8Array.of(1), { timeoutMs: 5000 });
    // Unplugged once the key has the request and keeps the client waiting.
    await expect.poll(() => requests.length).toBe(1);
    connection.unplug();
    await expect(pending).rejects.toMatchObject({ code: 'unplugged' });
    await expect(device.cbor(Uint8Array.of(4))).rejects.toBeInstanceOf(TransportError);
  });

  it('WINK when supported; unsupported otherwise', async () => {
    const { connection, requests } = scriptedKey((cmd) => ({
      kind: 'reply',
      command: cmd,
      payload: new Uint8Array(0),
    }));
    await (await CtapHidDevice.open(connection)).wink();
    expect(requests[0].command).toBe(CtapHidCommand.WINK);
    const noWink = scriptedKey(() => ({ kind: 'silent' }), { caps: 0x04 });
    await expect((await CtapHidDevice.open(noWink.connection)).wink()).rejects.toMatchObject({
      code: 'unsupported',
    });
  });

  it('garbage replies end in a typed error within the deadline, never a hang', async () => {
    const garbage = new Uint8Array(64).fill(0xa5);
    const { connection } = scriptedKey(() => ({ kind: 'reports', reports: [garbage] }));
    const device = await CtapHidDevice.open(connection);
    await expect(device.cbor(Uint8Array.of(4), { timeoutMs: 200 })).rejects.toBeInstanceOf(
      TransportError,
    );
    const wrongCmd = scriptedKey(() => ({
      kind: 'reply',
      command: CtapHidCommand.PING,
      payload: Uint8Array.of(0),
    }));
    await expect(
      (await CtapHidDevice.open(wrongCmd.connection)).cbor(Uint8Array.of(4)),
    ).rejects.toMatchObject({
      code: 'invalid-report',
    });
  });

  it('transactions are serialised', async () => {
    const { connection, requests } = scriptedKey((cmd, payload) => ({
      kind: 'reply',
      command: cmd,
      payload,
    }));
    const device = await CtapHidDevice.open(connection);
    const results = await Promise.all([1, 2, 3].map((n) => device.ping(Uint8Array.of(n))));
    expect(results.map((r) => r[0])).toEqual([1, 2, 3]);
    expect(requests.map((r) => r.payload[0])).toEqual([1, 2, 3]);
  });
});
