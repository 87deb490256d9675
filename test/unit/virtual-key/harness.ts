/**
 * A deliberately small, independent platform for the virtual-key unit tests: CTAPHID framing,
 * CBOR calls and the platform half of PIN protocols 1/2. It does not use the CTAP client in
 * native/ctaphid or native/ctap2, so the key is tested against the spec, not against A's code.
 * Every CBOR reply is checked to be canonical (re-encoding must give the same bytes).
 */
import {
  createECDH,
  createHash,
  createHmac,
  createCipheriv,
  createDecipheriv,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import { expect } from 'vitest';
import { decodeCbor, encodeCanonical, type CborValue } from '../../../native/cbor';
import type { HidConnection } from '../../../native/hid/connection';

export const CMD = {
  PING: 0x01,
  MSG: 0x03,
  INIT: 0x06,
  WINK: 0x08,
  CBOR: 0x10,
  CANCEL: 0x11,
  KEEPALIVE: 0x3b,
  ERROR: 0x3f,
};
export const BROADCAST = 0xffffffff;

export function initPacket(
  cid: number,
  cmd: number,
  bcnt: number,
  payload: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const r = new Uint8Array(64);
  const v = new DataView(r.buffer);
  v.setUint32(0, cid);
  r[4] = 0x80 | cmd;
  v.setUint16(5, bcnt);
  r.set(payload.subarray(0, 57), 7);
  return r;
}

export function contPacket(cid: number, seq: number, payload: Uint8Array): Uint8Array {
  const r = new Uint8Array(64);
  new DataView(r.buffer).setUint32(0, cid);
  r[4] = seq;
  r.set(payload.subarray(0, 59), 5);
  return r;
}

export function frame(cid: number, cmd: number, data: Uint8Array): Uint8Array[] {
  const out = [initPacket(cid, cmd, data.length, data.subarray(0, 57))];
  for (let off = 57, seq = 0; off < data.length; off += 59, seq++)
    out.push(contPacket(cid, seq, data.subarray(off, off + 59)));
  return out;
}

export interface HidReply {
  cid: number;
  cmd: number;
  data: Uint8Array;
  keepalives: number[];
}

export class TestPlatform {
  cid = BROADCAST;
  /** Called for each keepalive receive() skips: a test touches the key once it says it waits. */
  onKeepalive?: (status: number) => void;
  constructor(readonly conn: HidConnection) {}

  async send(reports: Uint8Array[]): Promise<void> {
    for (const r of reports) await this.conn.writeReport(r);
  }

  /** Read one full message (skipping keepalives) on `cid`. */
  async receive(cid = this.cid, timeoutMs = 2000): Promise<HidReply> {
    const keepalives: number[] = [];
    for (;;) {
      const r = await this.conn.readReport(timeoutMs);
      const v = new DataView(r.buffer, r.byteOffset);
      if (v.getUint32(0) !== cid) continue;
      const cmd = r[4] & 0x7f;
      if (!(r[4] & 0x80)) throw new Error('continuation packet where an init packet was due');
      if (cmd === CMD.KEEPALIVE) {
        keepalives.push(r[7]);
        this.onKeepalive?.(r[7]);
        continue;
      }
      const len = v.getUint16(5);
      const data = new Uint8Array(len);
      data.set(r.subarray(7, 7 + Math.min(len, 57)));
      let off = 57;
      let seq = 0;
      while (off < len) {
        const c = await this.conn.readReport(timeoutMs);
        expect(new DataView(c.buffer, c.byteOffset).getUint32(0)).toBe(cid);
        expect(c[4]).toBe(seq++);
        data.set(c.subarray(5, 5 + Math.min(59, len - off)), off);
        off += 59;
      }
      return { cid, cmd, data, keepalives };
    }
  }

  async transact(cmd: number, data: Uint8Array, cid = this.cid): Promise<HidReply> {
    await this.send(frame(cid, cmd, data));
    return this.receive(cid);
  }

  async init(): Promise<number> {
    const nonce = new Uint8Array(randomBytes(8));
    const reply = await this.transact(CMD.INIT, nonce, BROADCAST);
    expect(reply.cmd).toBe(CMD.INIT);
    expect(reply.data.subarray(0, 8)).toEqual(nonce);
    this.cid = new DataView(reply.data.buffer).getUint32(8);
    return this.cid;
  }

  /** A CTAP2 command; returns status and decoded body (checked canonical). */
  async ctap(
    command: number,
    params?: CborValue,
  ): Promise<{
    status: number;
    body?: Map<unknown, unknown>;
    raw: Uint8Array;
    keepalives: number[];
  }> {
    const req =
      params === undefined
        ? Uint8Array.of(command)
        : Uint8Array.from([command, ...encodeCanonical(params)]);
    const reply = await this.transact(CMD.CBOR, req);
    expect(reply.cmd).toBe(CMD.CBOR);
    const status = reply.data[0];
    if (reply.data.length === 1) return { status, raw: reply.data, keepalives: reply.keepalives };
    expect(status).toBe(0);
    const raw = reply.data.subarray(1);
    const body = decodeCbor(raw) as Map<unknown, unknown>;
    expect(Buffer.from(encodeCanonical(body as CborValue)).equals(Buffer.from(raw))).toBe(true);
    return { status, body, raw, keepalives: reply.keepalives };
  }
}

// ---- platform side of PIN/UV auth protocols 1 and 2 (CTAP 2.1 §6.5.6, §6.5.7) ------------

const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const hmac = (k: Uint8Array, m: Uint8Array) =>
  new Uint8Array(createHmac('sha256', k).update(m).digest());

export class PlatformPin {
  constructor(
    readonly p: TestPlatform,
    readonly version: 1 | 2,
  ) {}

  /** authenticatorClientPIN (0x06) with this pinUvAuthProtocol and subCommand. */
  private clientPin(subCommand: number, rest: Record<number, CborValue> = {}) {
    return this.p.ctap(0x06, intMap({ 1: this.version, 2: subCommand, ...rest }));
  }

  async keyAgreement(): Promise<{
    cose: Map<number, CborValue>;
    shared: Uint8Array;
    peerX: Uint8Array;
  }> {
    const r = await this.clientPin(2);
    expect(r.status).toBe(0);
    const peer = r.body?.get(1) as Map<number, Uint8Array | number>;
    const peerX = peer.get(-2) as Uint8Array;
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const z = ecdh.computeSecret(Buffer.concat([Buffer.of(4), peerX, peer.get(-3) as Uint8Array]));
    let shared: Uint8Array;
    if (this.version === 1) shared = sha256(z);
    else {
      const salt = Buffer.alloc(32);
      shared = new Uint8Array(
        Buffer.concat([
          Buffer.from(hkdfSync('sha256', z, salt, 'CTAP2 HMAC key', 32)),
          Buffer.from(hkdfSync('sha256', z, salt, 'CTAP2 AES key', 32)),
        ]),
      );
    }
    const pub = ecdh.getPublicKey();
    const cose = new Map<number, CborValue>([
      [1, 2],
      [3, -25],
      [-1, 1],
      [-2, new Uint8Array(pub.subarray(1, 33))],
      [-3, new Uint8Array(pub.subarray(33, 65))],
    ]);
    return { cose, shared, peerX };
  }

  encrypt(shared: Uint8Array, pt: Uint8Array): Uint8Array {
    if (this.version === 1) {
      const c = createCipheriv('aes-256-cbc', shared, Buffer.alloc(16)).setAutoPadding(false);
      return new Uint8Array(Buffer.concat([c.update(pt), c.final()]));
    }
    const iv = randomBytes(16);
    const c = createCipheriv('aes-256-cbc', shared.subarray(32), iv).setAutoPadding(false);
    return new Uint8Array(Buffer.concat([iv, c.update(pt), c.final()]));
  }

  decrypt(shared: Uint8Array, ct: Uint8Array): Uint8Array {
    const [key, iv, body] =
      this.version === 1
        ? [shared, Buffer.alloc(16), ct]
        : [shared.subarray(32), ct.subarray(0, 16), ct.subarray(16)];
    const d = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
    return new Uint8Array(Buffer.concat([d.update(body), d.final()]));
  }

  authenticate(key: Uint8Array, msg: Uint8Array): Uint8Array {
    return this.version === 1 ? hmac(key, msg).subarray(0, 16) : hmac(key.subarray(0, 32), msg);
  }

  static pad(pin: string): Uint8Array {
    const out = new Uint8Array(64);
    out.set(new TextEncoder().encode(pin));
    return out;
  }

  async setPin(pin: string): Promise<number> {
    const { cose, shared } = await this.keyAgreement();
    const newPinEnc = this.encrypt(shared, PlatformPin.pad(pin));
    const r = await this.clientPin(3, {
      3: cose,
      4: this.authenticate(shared, newPinEnc),
      5: newPinEnc,
    });
    return r.status;
  }

  async changePin(oldPin: string, newPin: string): Promise<number> {
    const { cose, shared } = await this.keyAgreement();
    const pinHashEnc = this.encrypt(
      shared,
      sha256(new TextEncoder().encode(oldPin)).subarray(0, 16),
    );
    const newPinEnc = this.encrypt(shared, PlatformPin.pad(newPin));
    const param = this.authenticate(shared, Uint8Array.from([...newPinEnc, ...pinHashEnc]));
    const r = await this.clientPin(4, { 3: cose, 4: param, 5: newPinEnc, 6: pinHashEnc });
    return r.status;
  }

  /** getPinUvAuthTokenUsingPinWithPermissions (0x09), or getPinToken (0x05) if permissions undefined. */
  async token(
    pin: string,
    permissions?: number,
    rpId?: string,
  ): Promise<{ status: number; token?: Uint8Array }> {
    const { cose, shared } = await this.keyAgreement();
    const pinHashEnc = this.encrypt(shared, sha256(new TextEncoder().encode(pin)).subarray(0, 16));
    const params = new Map<number, CborValue>([
      [1, this.version],
      [2, permissions === undefined ? 5 : 9],
      [3, cose],
      [6, pinHashEnc],
    ]);
    if (permissions !== undefined) params.set(9, permissions);
    if (rpId !== undefined) params.set(10, rpId);
    const r = await this.p.ctap(0x06, params);
    if (r.status !== 0) return { status: r.status };
    return { status: 0, token: this.decrypt(shared, r.body?.get(2) as Uint8Array) };
  }

  async retries(): Promise<{ retries: number; powerCycle: boolean }> {
    const r = await this.clientPin(1);
    expect(r.status).toBe(0);
    return { retries: r.body?.get(3) as number, powerCycle: r.body?.get(4) as boolean };
  }
}

/**
 * An integer-keyed CTAP parameter map written as an object literal. Requests are encoded
 * canonically (keys sorted), so the literal's key order does not change a byte.
 */
export function intMap(entries: Record<number, CborValue>): Map<number, CborValue> {
  return new Map(Object.entries(entries).map(([k, v]) => [Number(k), v]));
}

export const rp = (id = 'example.com') =>
  new Map<string, CborValue>([
    ['id', id],
    ['name', 'Example'],
  ]);
export const user = (id: string, name = `${id}@example.com`) =>
  new Map<string, CborValue>([
    ['id', new TextEncoder().encode(id)],
    ['name', name],
    ['displayName', name.toUpperCase()],
  ]);
export const ES256 = [
  new Map<string, CborValue>([
    ['type', 'public-key'],
    ['alg', -7],
  ]),
];
export const cdh = (n = 0) => new Uint8Array(32).fill(n);

/** PublicKeyCredentialDescriptors (excludeList, allowList) for credential IDs. */
function descriptors(ids: Uint8Array[]): Map<string, CborValue>[] {
  return ids.map(
    (id) =>
      new Map<string, CborValue>([
        ['type', 'public-key'],
        ['id', id],
      ]),
  );
}

/** makeCredential parameters. */
export function mc(
  opts: {
    rpId?: string;
    userId?: string;
    rk?: boolean;
    puat?: Uint8Array;
    protocol?: number;
    ext?: Map<string, CborValue>;
    exclude?: Uint8Array[];
    algs?: CborValue[];
  } = {},
): Map<number, CborValue> {
  const m = new Map<number, CborValue>([
    [1, cdh(1)],
    [2, rp(opts.rpId)],
    [3, user(opts.userId ?? 'u1')],
    [4, opts.algs ?? ES256],
  ]);
  if (opts.exclude) m.set(5, descriptors(opts.exclude));
  if (opts.ext) m.set(6, opts.ext);
  if (opts.rk) m.set(7, new Map<string, CborValue>([['rk', true]]));
  if (opts.puat) {
    m.set(8, opts.puat);
    m.set(9, opts.protocol ?? 2);
  }
  return m;
}

/** getAssertion parameters. */
export function ga(
  opts: {
    rpId?: string;
    allow?: Uint8Array[];
    puat?: Uint8Array;
    protocol?: number;
    up?: boolean;
    ext?: Map<string, CborValue>;
  } = {},
): Map<number, CborValue> {
  const m = new Map<number, CborValue>([
    [1, opts.rpId ?? 'example.com'],
    [2, cdh(2)],
  ]);
  if (opts.allow) m.set(3, descriptors(opts.allow));
  if (opts.ext) m.set(4, opts.ext);
  if (opts.up === false) m.set(5, new Map<string, CborValue>([['up', false]]));
  if (opts.puat) {
    m.set(6, opts.puat);
    m.set(7, opts.protocol ?? 2);
  }
  return m;
}

/** Credential ID from a makeCredential reply's authData. */
export function credentialIdOf(body: Map<unknown, unknown> | undefined): Uint8Array {
  const authData = body?.get(2) as Uint8Array;
  const len = (authData[53] << 8) | authData[54];
  return authData.slice(55, 55 + len);
}
