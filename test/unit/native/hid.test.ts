import { describe, expect, it } from 'vitest';
import { TransportError } from '../../../native/errors';
import { FIDO_USAGE_PAGE, type HidDeviceDescriptor } from '../../../native/hid/connection';
import { DeviceWatcher, listDevices, openConnection } from '../../../native/hid/discovery';
import { fidoDescriptors, fromInputReport, toOutputReport } from '../../../native/hid/nodeHid';
import { ReportQueue } from '../../../native/hid/reportQueue';
import { parseUdpPath } from '../../../native/hid/udp';

describe('node-hid report-ID handling', () => {
  it('writes prepend report ID 0x00 (65 bytes)', () => {
    const r = new Uint8Array(64).fill(7);
    const out = toOutputReport(r);
    expect(out.length).toBe(65);
    expect(out[0]).toBe(0);
    expect(out.subarray(1)).toEqual(Buffer.from(r));
  });
  it('reads strip a leading report ID (Windows, 65 bytes) and pad short reads', () => {
    const withId = new Uint8Array(65);
    withId.set([0, 1, 2, 3], 0);
    expect(fromInputReport(withId).subarray(0, 3)).toEqual(Uint8Array.of(1, 2, 3));
    expect(fromInputReport(new Uint8Array(64).fill(9))).toEqual(new Uint8Array(64).fill(9));
    const short = fromInputReport(Uint8Array.of(1, 2));
    expect(short.length).toBe(64);
    expect(short[1]).toBe(2);
  });
  it('enumeration keeps only usage page 0xF1D0, one entry per path', () => {
    const devices = [
      {
        vendorId: 0x1050,
        productId: 0x0407,
        path: '/dev/hidraw1',
        usagePage: FIDO_USAGE_PAGE,
        product: 'YubiKey',
      },
      { vendorId: 0x1050, productId: 0x0407, path: '/dev/hidraw1', usagePage: FIDO_USAGE_PAGE },
      { vendorId: 0x1050, productId: 0x0407, path: '/dev/hidraw0', usagePage: 0x01 },
      { vendorId: 0x20a0, productId: 0x42b1, path: '/dev/hidraw5', usagePage: FIDO_USAGE_PAGE },
      { vendorId: 0x20a0, productId: 0x42b1, usagePage: FIDO_USAGE_PAGE },
    ];
    expect(fidoDescriptors(devices).map((d) => d.path)).toEqual(['/dev/hidraw1', '/dev/hidraw5']);
    expect(fidoDescriptors(devices)[0]).toMatchObject({ kind: 'usb', product: 'YubiKey' });
  });
});

describe('UDP paths', () => {
  it('parses udp:host:port and refuses nonsense', () => {
    expect(parseUdpPath('udp:127.0.0.1:8111')).toEqual({ host: '127.0.0.1', port: 8111 });
    expect(parseUdpPath('udp:[::1]:8111')).toEqual({ host: '::1', port: 8111 });
    expect(parseUdpPath('udp:127.0.0.1:0')).toBeNull();
    expect(parseUdpPath('udp:127.0.0.1:70000')).toBeNull();
    expect(parseUdpPath('/dev/hidraw0')).toBeNull();
  });
  it('openConnection refuses a malformed udp path with a TransportError', async () => {
    await expect(openConnection('udp:nohost')).rejects.toBeInstanceOf(TransportError);
    await expect(openConnection('virtual:1')).rejects.toMatchObject({ code: 'io' });
  });
});

describe('ReportQueue', () => {
  it('delivers in order, times out, cancels, and fails every read after unplug', async () => {
    const q = new ReportQueue();
    q.push(Uint8Array.of(1));
    q.push(Uint8Array.of(2));
    expect((await q.read(10))[0]).toBe(1);
    expect((await q.read(10))[0]).toBe(2);
    await expect(q.read(10)).rejects.toMatchObject({ code: 'timeout' });
    const c = new AbortController();
    const pending = q.read(1000, c.signal);
    c.abort();
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
    const waiting = q.read(1000);
    q.fail(new TransportError('unplugged'));
    await expect(waiting).rejects.toMatchObject({ code: 'unplugged' });
    await expect(q.read(10)).rejects.toMatchObject({ code: 'unplugged' });
  });
});

describe('discovery and hot-plug', () => {
  const key = (path: string): HidDeviceDescriptor => ({ path, kind: 'usb' });

  it('lists node-hid keys plus extra UDP paths', async () => {
    const list = await listDevices({
      enumerate: async () => [key('/dev/hidraw3')],
      extraPaths: ['udp:127.0.0.1:8111'],
    });
    expect(list.map((d) => [d.path, d.kind])).toEqual([
      ['/dev/hidraw3', 'usb'],
      ['udp:127.0.0.1:8111', 'udp'],
    ]);
  });

  it('emits inserted/removed per path with several keys', async () => {
    let present: HidDeviceDescriptor[] = [];
    const watcher = new DeviceWatcher({ pollMs: 60_000, enumerate: async () => present });
    const events: string[] = [];
    watcher.on('inserted', (d) => events.push(`+${d.path}`));
    watcher.on('removed', (d) => events.push(`-${d.path}`));
    await watcher.poll();
    present = [key('a'), key('b')];
    await watcher.poll();
    present = [key('b'), key('c')];
    await watcher.poll();
    await watcher.poll();
    watcher.close();
    expect(events).toEqual(['+a', '+b', '-a', '+c']);
    expect(watcher.current().map((d) => d.path)).toEqual(['b', 'c']);
  });

  it('enumeration failure is an error event, not a crash', async () => {
    const watcher = new DeviceWatcher({
      pollMs: 60_000,
      enumerate: async () => {
        throw new TransportError('io', 'hidapi failed');
      },
    });
    const errors: TransportError[] = [];
    watcher.on('error', (e) => errors.push(e));
    await watcher.poll();
    watcher.close();
    expect(errors[0]?.code).toBe('io');
  });
});
