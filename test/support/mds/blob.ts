/**
 * Self-made FIDO metadata (MDS3) BLOBs for tests: a test root CA, a signing certificate under it,
 * and a JWT (ES256, x5c = [signer]) with entries of our choosing. Nothing here is trusted
 * outside a test.
 */
import { X509Certificate, sign } from 'node:crypto';
import { createTestCa, issueSigningCertificate, type TestCa } from '../graph-provider/pki';

export interface MdsTestEntry {
  readonly aaguid: string;
  readonly description: string;
  readonly statusReports: readonly { status: string; effectiveDate?: string }[];
}

export interface MdsTestSigner {
  readonly ca: TestCa;
  readonly signer: ReturnType<typeof issueSigningCertificate>;
}

export function mdsTestSigner(label = 'MDS'): MdsTestSigner {
  const ca = createTestCa(label);
  return { ca, signer: issueSigningCertificate(ca, `Keystation Test ${label} BLOB Signer`) };
}

function b64url(s: string | Uint8Array): string {
  return Buffer.from(s).toString('base64url');
}

/** A signed MDS3 BLOB with `entries` (serial `no`, nextUpdate as given). */
export function makeMdsBlob(
  s: MdsTestSigner,
  opts: { no: number; nextUpdate?: string; entries: readonly MdsTestEntry[] },
): string {
  const der = new X509Certificate(s.signer.certPem).raw;
  const header = { alg: 'ES256', typ: 'JWT', x5c: [der.toString('base64')] };
  const payload = {
    legalHeader: 'Test metadata for Keystation tests only.',
    no: opts.no,
    nextUpdate: opts.nextUpdate ?? '2099-01-01',
    entries: opts.entries.map((e) => ({
      aaguid: e.aaguid,
      metadataStatement: {
        legalHeader: 'Test metadata.',
        aaguid: e.aaguid,
        description: e.description,
        authenticatorVersion: 1,
        protocolFamily: 'fido2',
        schema: 3,
        upv: [{ major: 1, minor: 1 }],
        authenticationAlgorithms: ['secp256r1_ecdsa_sha256_raw'],
        publicKeyAlgAndEncodings: ['cose'],
        attestationTypes: ['basic_full'],
        userVerificationDetails: [[{ userVerificationMethod: 'presence_internal' }]],
        keyProtection: ['hardware', 'secure_element'],
        matcherProtection: ['on_chip'],
        attachmentHint: ['external', 'wired'],
        tcDisplay: [],
        attestationRootCertificates: [],
      },
      statusReports: e.statusReports,
      timeOfLastStatusChange: e.statusReports.at(-1)?.effectiveDate ?? '2024-01-01',
    })),
  };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(signingInput), {
    key: s.signer.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${signingInput}.${b64url(signature)}`;
}

/** The same BLOB with its payload changed after signing (the signature no longer matches). */
export function tamperMdsBlob(blob: string, change: (payload: { no: number }) => void): string {
  const [h, p, sig] = blob.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { no: number };
  change(payload);
  return `${h}.${b64url(JSON.stringify(payload))}.${sig}`;
}
