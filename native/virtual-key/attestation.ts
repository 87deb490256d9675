/**
 * `packed` attestation identity (WebAuthn §8.2): an attestation root CA and a batch
 * certificate it issued, whose key signs attestation statements (x5c = [batch]).
 * The batch certificate meets WebAuthn §8.2.1: version 3; subject C, O,
 * OU "Authenticator Attestation", CN; basicConstraints CA false; the FIDO AAGUID extension
 * (1.3.6.1.4.1.45724.1.1.4, not critical) equal to the key's AAGUID.
 */
import { createHash, createPublicKey, sign } from 'node:crypto';
import {
  bitString,
  bool,
  explicit,
  implicitPrimitive,
  integer,
  octetString,
  oid,
  printableString,
  seq,
  set,
  time,
  utf8String,
} from './der';
import { VIRTUAL_KEY_AAGUID } from './identity';
import { p256FromScalar, randomP256Scalar, type P256Key } from './keys';
import type { RandomSource } from './rng';
import { TEST_ATTESTATION } from './testAttestation';

export interface AttestationIdentity {
  /** DER of the root CA certificate (trust anchor for verifiers; not sent in x5c). */
  readonly rootCertDer: Uint8Array;
  /** DER of the batch certificate (x5c[0]). */
  readonly batchCertDer: Uint8Array;
  /** P-256 private scalar of the batch key. */
  readonly batchKeyScalar: Uint8Array;
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  country: '2.5.4.6',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  fidoAaguid: '1.3.6.1.4.1.45724.1.1.4',
  fidoTransports: '1.3.6.1.4.1.45724.2.1.1',
} as const;

type Rdn = readonly [keyof typeof OID, string];

function name(rdns: readonly Rdn[]): Uint8Array {
  return seq(
    ...rdns.map(([k, v]) =>
      set(seq(oid(OID[k]), k === 'country' ? printableString(v) : utf8String(v))),
    ),
  );
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? seq(oid(id), bool(true), octetString(value)) : seq(oid(id), octetString(value));
}

function spkiDer(key: P256Key): Uint8Array {
  return new Uint8Array(createPublicKey(key.privateKey).export({ type: 'spki', format: 'der' }));
}

function keyId(key: P256Key): Uint8Array {
  return new Uint8Array(createHash('sha1').update(key.point).digest());
}

export function aaguidBytes(aaguid: string = VIRTUAL_KEY_AAGUID): Uint8Array {
  return new Uint8Array(Buffer.from(aaguid.replace(/-/g, ''), 'hex'));
}

function issue(opts: {
  serial: Uint8Array;
  issuer: readonly Rdn[];
  subject: readonly Rdn[];
  notBefore: Date;
  notAfter: Date;
  subjectKey: P256Key;
  issuerKey: P256Key;
  extensions: Uint8Array[];
}): Uint8Array {
  const sigAlg = seq(oid(OID.ecdsaWithSha256));
  const tbs = seq(
    explicit(0, integer(2)),
    integer(opts.serial),
    sigAlg,
    name(opts.issuer),
    seq(time(opts.notBefore), time(opts.notAfter)),
    name(opts.subject),
    spkiDer(opts.subjectKey),
    explicit(3, seq(...opts.extensions)),
  );
  const signature = new Uint8Array(
    sign('sha256', tbs, { key: opts.issuerKey.privateKey, dsaEncoding: 'der' }),
  );
  return seq(tbs, sigAlg, bitString(signature));
}

function serial(rng: RandomSource): Uint8Array {
  const s = rng.bytes(16);
  s[0] = (s[0] & 0x7f) | 0x01;
  return s;
}

/**
 * Generate a fresh root CA + batch certificate. The CA private key is discarded after
 * issuing (only the batch key is kept), as a vendor's offline CA would be.
 */
export function generateAttestationIdentity(
  rng: RandomSource,
  opts: { label?: string; notBefore?: Date; notAfter?: Date } = {},
): AttestationIdentity {
  const label = opts.label ?? Buffer.from(rng.bytes(4)).toString('hex');
  const notBefore = opts.notBefore ?? new Date(Date.now() - 24 * 3600 * 1000);
  const notAfter = opts.notAfter ?? new Date(Date.UTC(2049, 11, 31, 23, 59, 59));
  const caKey = p256FromScalar(randomP256Scalar(rng));
  const batchKey = p256FromScalar(randomP256Scalar(rng));
  const caName: Rdn[] = [
    ['country', 'SE'],
    ['organization', 'Keystation'],
    ['commonName', `Keystation Virtual Key Root CA ${label}`],
  ];
  const rootCertDer = issue({
    serial: serial(rng),
    issuer: caName,
    subject: caName,
    notBefore,
    notAfter,
    subjectKey: caKey,
    issuerKey: caKey,
    extensions: [
      extension(OID.basicConstraints, true, seq(bool(true))),
      // keyCertSign (5) | cRLSign (6): one byte 0b0000_0110, 1 unused bit.
      extension(OID.keyUsage, true, bitString(Uint8Array.of(0x06), 1)),
      extension(OID.subjectKeyIdentifier, false, octetString(keyId(caKey))),
    ],
  });
  const batchCertDer = issue({
    serial: serial(rng),
    issuer: caName,
    subject: [
      ['country', 'SE'],
      ['organization', 'Keystation'],
      ['organizationalUnit', 'Authenticator Attestation'],
      ['commonName', `Keystation Virtual Key Batch ${label}`],
    ],
    notBefore,
    notAfter,
    subjectKey: batchKey,
    issuerKey: caKey,
    extensions: [
      extension(OID.basicConstraints, true, seq()),
      // digitalSignature (0): 0b1000_0000, 7 unused bits.
      extension(OID.keyUsage, true, bitString(Uint8Array.of(0x80), 7)),
      extension(OID.subjectKeyIdentifier, false, octetString(keyId(batchKey))),
      extension(OID.authorityKeyIdentifier, false, seq(implicitPrimitive(0, keyId(caKey)))),
      // FIDO transports: bit 2 = USB (FIDO Authenticator Transports Extension).
      extension(OID.fidoTransports, false, bitString(Uint8Array.of(0x20), 5)),
      extension(OID.fidoAaguid, false, octetString(aaguidBytes())),
    ],
  });
  return { rootCertDer, batchCertDer, batchKeyScalar: batchKey.d };
}

export function derToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** PEM of an identity's root CA certificate: what a verifier must trust. */
export function attestationRootPem(identity: AttestationIdentity): string {
  return derToPem(identity.rootCertDer);
}

/** The fixed test identity shipped in code (see ./testAttestation.ts). */
export const testAttestationIdentity: AttestationIdentity = {
  rootCertDer: new Uint8Array(Buffer.from(TEST_ATTESTATION.rootCertB64, 'base64')),
  batchCertDer: new Uint8Array(Buffer.from(TEST_ATTESTATION.batchCertB64, 'base64')),
  batchKeyScalar: new Uint8Array(Buffer.from(TEST_ATTESTATION.batchKeyHex, 'hex')),
};

/** Root of the `attestation: 'test'` identity. Trust it only in tests and demo mode. */
export const TEST_ATTESTATION_ROOT_PEM: string = attestationRootPem(testAttestationIdentity);
