/**
 * The test provider's own PKI, made in memory at start: a test root CA, the HTTPS server
 * certificate it issues (SAN 127.0.0.1 and localhost), and RSA certificates for app
 * registrations that sign client assertions. Nothing here is trusted outside a test.
 */
import {
  X509Certificate,
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';
import {
  bitString,
  bool,
  explicit,
  integer,
  octetString,
  oid,
  printableString,
  seq,
  set,
  time,
  tlv,
  utf8String,
} from '../../../native/virtual-key/der';

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  country: '2.5.4.6',
  organization: '2.5.4.10',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

const NULL = Uint8Array.of(0x05, 0x00);

function name(commonName: string): Uint8Array {
  return seq(
    set(seq(oid(OID.country), printableString('SE'))),
    set(seq(oid(OID.organization), utf8String('Keystation test provider'))),
    set(seq(oid(OID.commonName), utf8String(commonName))),
  );
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? seq(oid(id), bool(true), octetString(value)) : seq(oid(id), octetString(value));
}

function spki(key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ type: 'spki', format: 'der' }));
}

function keyId(key: KeyObject): Uint8Array {
  return new Uint8Array(createHash('sha1').update(spki(key)).digest());
}

function serial(): Uint8Array {
  const s = new Uint8Array(randomBytes(16));
  s[0] = (s[0] & 0x7f) | 0x01;
  return s;
}

function issue(opts: {
  issuer: string;
  subject: string;
  subjectPublic: KeyObject;
  issuerPrivate: KeyObject;
  issuerPublic: KeyObject;
  days: number;
  extensions: Uint8Array[];
}): string {
  const rsa = opts.issuerPrivate.asymmetricKeyType === 'rsa';
  const sigAlg = rsa ? seq(oid(OID.sha256WithRsa), NULL) : seq(oid(OID.ecdsaWithSha256));
  const notBefore = new Date(Date.now() - 3600_000);
  const notAfter = new Date(Date.now() + opts.days * 86_400_000);
  const tbs = seq(
    explicit(0, integer(2)),
    integer(serial()),
    sigAlg,
    name(opts.issuer),
    seq(time(notBefore), time(notAfter)),
    name(opts.subject),
    spki(opts.subjectPublic),
    explicit(
      3,
      seq(
        ...opts.extensions,
        extension(OID.subjectKeyIdentifier, false, octetString(keyId(opts.subjectPublic))),
        extension(OID.authorityKeyIdentifier, false, seq(tlv(0x80, keyId(opts.issuerPublic)))),
      ),
    ),
  );
  const signature = sign(
    'sha256',
    tbs,
    rsa ? opts.issuerPrivate : { key: opts.issuerPrivate, dsaEncoding: 'der' },
  );
  return derToPem(seq(tbs, sigAlg, bitString(new Uint8Array(signature))));
}

export function derToPem(der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

export interface TestCa {
  readonly certPem: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly commonName: string;
}

export interface ServerCredentials {
  /** PEM of the test root CA: what clients must trust (`ca` option or NODE_EXTRA_CA_CERTS). */
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** A fresh test root CA (P-256). Its private key never leaves this process. */
export function createTestCa(label = randomBytes(4).toString('hex')): TestCa {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const commonName = `Keystation Test Provider Root CA ${label}`;
  const certPem = issue({
    issuer: commonName,
    subject: commonName,
    subjectPublic: publicKey,
    issuerPrivate: privateKey,
    issuerPublic: publicKey,
    days: 2,
    extensions: [
      extension(OID.basicConstraints, true, seq(bool(true))),
      extension(OID.keyUsage, true, bitString(Uint8Array.of(0x06), 1)),
    ],
  });
  return { certPem, privateKey, publicKey, commonName };
}

/** A TLS server certificate for 127.0.0.1 / ::1 / localhost, issued by the test CA. */
export function issueServerCertificate(ca: TestCa): ServerCredentials {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const san = seq(
    tlv(0x82, new TextEncoder().encode('localhost')),
    tlv(0x87, Uint8Array.of(127, 0, 0, 1)),
    tlv(0x87, Uint8Array.from([...new Array(15).fill(0), 1])),
  );
  const certPem = issue({
    issuer: ca.commonName,
    subject: 'localhost',
    subjectPublic: publicKey,
    issuerPrivate: ca.privateKey,
    issuerPublic: ca.publicKey,
    days: 2,
    extensions: [
      extension(OID.basicConstraints, true, seq()),
      extension(OID.keyUsage, true, bitString(Uint8Array.of(0x80), 7)),
      extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth))),
      extension(OID.subjectAltName, false, san),
    ],
  });
  return {
    caPem: ca.certPem,
    certPem,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export interface AppCertificate {
  /** PEM certificate to register on the app (what the portal's "Upload certificate" takes). */
  readonly certPem: string;
  /** PKCS#8 PEM private key (what the station keeps sealed). */
  readonly keyPem: string;
  /** SHA-1 thumbprint, upper-case hex (the portal's "Thumbprint"; base64url of it is `x5t`). */
  readonly thumbprintSha1: string;
  /** SHA-256 thumbprint, upper-case hex (base64url of it is `x5t#S256`). */
  readonly thumbprintSha256: string;
}

/** A self-signed RSA-2048 certificate for an app registration's client assertions. */
export function createAppCertificate(subject = 'Keystation station'): AppCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const certPem = issue({
    issuer: subject,
    subject,
    subjectPublic: publicKey,
    issuerPrivate: privateKey,
    issuerPublic: publicKey,
    days: 365,
    extensions: [
      extension(OID.basicConstraints, true, seq()),
      extension(OID.keyUsage, true, bitString(Uint8Array.of(0x80), 7)),
      extension(OID.extKeyUsage, false, seq(oid(OID.clientAuth))),
    ],
  });
  return {
    certPem,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    ...thumbprints(certPem),
  };
}

export function thumbprints(certPem: string): { thumbprintSha1: string; thumbprintSha256: string } {
  const cert = new X509Certificate(certPem);
  return {
    thumbprintSha1: cert.fingerprint.replace(/:/g, ''),
    thumbprintSha256: cert.fingerprint256.replace(/:/g, ''),
  };
}

/** Parse a PEM private key (PKCS#8 or PKCS#1). */
export function privateKeyFromPem(pem: string): KeyObject {
  return createPrivateKey(pem);
}

/** A P-256 signing certificate (digitalSignature, not a CA) issued by `ca`; e.g. an MDS BLOB signer. */
export function issueSigningCertificate(
  ca: TestCa,
  subject: string,
): { certPem: string; privateKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const certPem = issue({
    issuer: ca.commonName,
    subject,
    subjectPublic: publicKey,
    issuerPrivate: ca.privateKey,
    issuerPublic: ca.publicKey,
    days: 2,
    extensions: [
      extension(OID.basicConstraints, true, seq()),
      extension(OID.keyUsage, true, bitString(Uint8Array.of(0x80), 7)),
    ],
  });
  return { certPem, privateKey };
}
