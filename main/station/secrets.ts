import {
  scrypt,
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
  scryptSync,
  timingSafeEqual,
} from 'node:crypto';
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';

/**
 * Seals the station key (DESIGN.md §5 "secret material encrypted at rest"). The desktop app seals
 * with Electron's safeStorage (main/electron), browser mode and tests with a 0600 key file.
 * Implementations must be deterministic in what they accept: unseal(seal(x)) === x.
 */
export interface SecretSealer {
  /** Stored next to the sealed key, so a station can tell which sealer it needs. */
  readonly name: string;
  seal(plain: Buffer): Buffer;
  unseal(sealed: Buffer): Buffer;
}

/** PKCS#8 DER header of a raw 32-byte Ed25519 seed (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const GCM_IV = 12;
const GCM_TAG = 16;
const BOX_VERSION = 1;

function gcmSeal(key: Buffer, plain: Buffer, aad: string): Buffer {
  const iv = randomBytes(GCM_IV);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.from([BOX_VERSION]), iv, cipher.getAuthTag(), ct]);
}

function gcmOpen(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < 1 + GCM_IV + GCM_TAG || sealed[0] !== BOX_VERSION) {
    throw new Error('sealed value has an unknown format');
  }
  const iv = sealed.subarray(1, 1 + GCM_IV);
  const tag = sealed.subarray(1 + GCM_IV, 1 + GCM_IV + GCM_TAG);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(1 + GCM_IV + GCM_TAG)), decipher.final()]);
}

/**
 * A wrapping key in a file only the station's user can read (mode 0600). Used in browser mode,
 * on servers and where the desktop has no OS keystore; the hosts keep the file outside the data
 * directory (main/api/station-key.ts), so a copied registry alone reveals nothing.
 */
export class FileKeySealer implements SecretSealer {
  readonly name = 'file';
  private readonly key: Buffer;

  constructor(readonly keyFilePath: string) {
    if (!existsSync(keyFilePath)) {
      mkdirSync(dirname(keyFilePath), { recursive: true, mode: 0o700 });
      // Whole or not at all: written aside, then linked into place (fails if it exists).
      const tmp = `${keyFilePath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      writeFileSync(tmp, randomBytes(32), { mode: 0o600, flag: 'wx' });
      try {
        linkSync(tmp, keyFilePath);
      } catch (e) {
        // Another station started at the same moment made it: use theirs.
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      } finally {
        unlinkSync(tmp);
      }
    }
    const key = readFileSync(keyFilePath);
    if (key.length !== 32) throw new Error('station key file is not 32 bytes');
    this.key = key;
    chmodSync(keyFilePath, 0o600);
  }

  seal(plain: Buffer): Buffer {
    return gcmSeal(this.key, plain, 'keystation/station-key');
  }

  unseal(sealed: Buffer): Buffer {
    return gcmOpen(this.key, sealed, 'keystation/station-key');
  }
}

/**
 * Keys derived from the 32-byte station key with HKDF, one per purpose, so the audit chain key
 * can never decrypt a TOTP secret and vice versa.
 */
export class StationKeyring {
  private readonly secretsKey: Buffer;
  private readonly auditKey: Buffer;
  private readonly codesKey: Buffer;
  private readonly anchorSeed: Buffer;

  constructor(stationKey: Buffer) {
    if (stationKey.length !== 32) throw new Error('station key must be 32 bytes');
    const derive = (info: string): Buffer =>
      Buffer.from(hkdfSync('sha256', stationKey, Buffer.alloc(0), info, 32));
    this.secretsKey = derive('keystation secrets v1');
    this.auditKey = derive('keystation audit v1');
    this.codesKey = derive('keystation codes v1');
    this.anchorSeed = derive('keystation audit anchor v1');
  }

  /**
   * The Ed25519 key that signs the audit log's checkpoints in the anchor location
   * (main/station/auditAnchor.ts). Derived from the station key, which is kept outside the
   * data directory, so a copy of the registry can't sign a checkpoint.
   */
  anchorKeys(): { privateKey: KeyObject; publicKey: KeyObject } {
    const privateKey = createPrivateKey({
      key: Buffer.concat([ED25519_PKCS8_PREFIX, this.anchorSeed]),
      format: 'der',
      type: 'pkcs8',
    });
    return { privateKey, publicKey: createPublicKey(privateKey) };
  }

  /** AES-256-GCM; `context` is bound as AAD (e.g. "totp") so sealed values can't be swapped. */
  seal(plain: Buffer, context: string): Buffer {
    return gcmSeal(this.secretsKey, plain, context);
  }

  open(sealed: Buffer, context: string): Buffer {
    return gcmOpen(this.secretsKey, sealed, context);
  }

  auditMac(data: Buffer): Buffer {
    return createHmac('sha256', this.auditKey).update(data).digest();
  }

  /** Keyed hash of a short one-time code: without the station key a 6-digit code can't be brute-forced from the file. */
  codeMac(scope: string, code: string): Buffer {
    return createHmac('sha256', this.codesKey).update(`${scope}\u0000${code}`).digest();
  }
}

/** Loads the station key from the registry, creating and sealing a fresh one on first open. */
export function loadOrCreateStationKey(
  read: () => { sealed: Buffer; sealer: string } | undefined,
  write: (sealed: Buffer, sealer: string) => void,
  sealer: SecretSealer,
): Buffer {
  const existing = read();
  if (existing) {
    if (existing.sealer !== sealer.name) {
      throw new Error(`station key was sealed by "${existing.sealer}", not "${sealer.name}"`);
    }
    return sealer.unseal(existing.sealed);
  }
  const key = randomBytes(32);
  write(sealer.seal(key), sealer.name);
  return key;
}

// scrypt parameters: ~50 ms per hash on a desk PC; enough to make offline guessing of answers
// and passwords expensive, cheap enough for an interactive station.
const SCRYPT_N = 1 << 14;
/**
 * How much work a hash costs. `guessable`: what a person chose (passwords, security answers),
 * the full cost. `generated`: a secret the station drew at random (a temporary access pass:
 * 12 characters of 56, ~70 bits; never fewer than 8, ~46 bits; valid for hours), where the
 * search space, not the hash, stops offline guessing: a quarter of the work (N = 2^12), still a
 * memory-hard salted hash (docs/SECURITY-REVIEW.md).
 */
export type SlowHashCost = 'guessable' | 'generated';
const SCRYPT_N_FOR: Record<SlowHashCost, number> = { guessable: SCRYPT_N, generated: 1 << 12 };
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const SCRYPT_LEN = 32;

type ScryptParams = { N: number; r: number; p: number; maxmem: number };

/** The parts of a `scrypt$N$r$p$salt$hash` string, or null when it is not one. */
function parseSlowHash(
  stored: string,
): { params: ScryptParams; salt: Buffer; expected: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [, n, r, p, saltText, hashText] = parts;
  return {
    params: {
      N: Number(n),
      r: Number(r),
      p: Number(p),
      maxmem: 256 * Number(n) * Number(r) + 1024 * 1024,
    },
    salt: Buffer.from(saltText, 'base64url'),
    expected: Buffer.from(hashText, 'base64url'),
  };
}

function formatSlowHash(salt: Buffer, hash: Buffer, cost: SlowHashCost): string {
  return `scrypt$${SCRYPT_N_FOR[cost]}$${SCRYPT_R}$${SCRYPT_P}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

const scryptParams = (cost: SlowHashCost) => ({ N: SCRYPT_N_FOR[cost], r: SCRYPT_R, p: SCRYPT_P });

/** `crypto.scrypt` as a promise: the work runs on libuv's thread pool, not the event loop. */
function scryptAsync(
  secret: string,
  salt: Buffer,
  length: number,
  params: Partial<ScryptParams>,
): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(secret, salt, length, params, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** Salted slow hash, self-describing: `scrypt$N$r$p$salt$hash` (base64url). */
export function slowHash(secret: string, cost: SlowHashCost = 'guessable'): string {
  const salt = randomBytes(16);
  return formatSlowHash(
    salt,
    scryptSync(secret.normalize('NFC'), salt, SCRYPT_LEN, scryptParams(cost)),
    cost,
  );
}

/** `slowHash` off the event loop; the same format and parameters. */
export async function slowHashAsync(
  secret: string,
  cost: SlowHashCost = 'guessable',
): Promise<string> {
  const salt = randomBytes(16);
  return formatSlowHash(
    salt,
    await scryptAsync(secret.normalize('NFC'), salt, SCRYPT_LEN, scryptParams(cost)),
    cost,
  );
}

export function slowHashMatches(secret: string, stored: string): boolean {
  const parsed = parseSlowHash(stored);
  if (!parsed) return false;
  const { params, salt, expected } = parsed;
  const actual = scryptSync(secret.normalize('NFC'), salt, expected.length, params);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * `slowHashMatches` off the event loop (libuv's thread pool): a secret being checked never
 * stalls the other clients' calls. Used wherever guesses come in from outside: operator
 * passwords, kiosk passes, security-question answers.
 */
export async function slowHashMatchesAsync(secret: string, stored: string): Promise<boolean> {
  const parsed = parseSlowHash(stored);
  if (!parsed) return false;
  const { params, salt, expected } = parsed;
  const actual = await scryptAsync(secret.normalize('NFC'), salt, expected.length, params);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

const decoys = new Map<string, Promise<string>>();

/**
 * A stand-in hash to check against when there is nothing real to compare (an unknown user, a
 * question not answered): the same scrypt work as a real check, so the answer's timing tells
 * nothing. Made once per purpose, off the event loop.
 */
export function decoySlowHash(purpose: string, cost: SlowHashCost = 'guessable'): Promise<string> {
  let made = decoys.get(purpose);
  if (!made) {
    made = slowHashAsync(`decoy ${purpose}`, cost);
    decoys.set(purpose, made);
  }
  return made;
}
export function equalBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
