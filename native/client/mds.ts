/**
 * An operator-imported FIDO Metadata Service (MDS3) BLOB: verified with @simplewebauthn/server's
 * MDS helper (the JWT's x5c chain up to a trusted root, then its signature), and turned into a
 * model catalog — the model name of every AAGUID it lists, and its statusReports checked, so
 * revoked or compromised models are flagged (docs/KEYS.md "Key manager").
 *
 * The root is the one the operator gives (a PEM certificate), or the FIDO Alliance's own roots
 * that @simplewebauthn/server ships for MDS. No network is needed: certificates without CRL
 * distribution points are not looked up, and an unreachable CRL is skipped.
 */
import { X509Certificate } from 'node:crypto';
import { SettingsService, type MetadataBLOBPayloadEntry } from '@simplewebauthn/server';
import { verifyMDSBlob } from '@simplewebauthn/server/helpers';
import { UNSAFE_MDS_STATUSES, type ModelCatalog, type ModelEntry } from './keyModel';

/** The FIDO Alliance MDS roots shipped with @simplewebauthn/server, as loaded. */
const FIDO_MDS_ROOTS: readonly string[] = SettingsService.getRootCertificates({
  identifier: 'mds',
});

/** A real MDS3 BLOB is a few MB; anything far larger is not one. */
export const MAX_MDS_BLOB_LENGTH = 32 * 1024 * 1024;
const MAX_ROOT_LENGTH = 64 * 1024;

/** Why a BLOB was refused: its shape, the root given, the certificate chain, or the signature. */
export type MdsFailure = 'format' | 'root' | 'chain' | 'signature';

export class MdsBlobError extends Error {
  override readonly name = 'MdsBlobError';
  constructor(
    readonly reason: MdsFailure,
    message: string,
  ) {
    super(message);
  }
}

/** One model (AAGUID) from the BLOB: its name and where its statusReports leave it. */
export interface MdsModel {
  /** Lower-case dashed AAGUID. */
  readonly aaguid: string;
  readonly name: string;
  /** The latest status report's status (by effectiveDate, else the order in the BLOB). */
  readonly status: string;
  readonly statusDate: string | null;
  /** An unsafe status (UNSAFE_MDS_STATUSES) was reported and not followed by a new certification. */
  readonly compromised: boolean;
}

export interface VerifiedMdsBlob {
  /** The BLOB's serial number (`no`): a later BLOB has a higher one. */
  readonly serial: number;
  /** `nextUpdate` as written in the BLOB (YYYY-MM-DD). */
  readonly nextUpdate: string;
  /** Subject of the root the chain was verified against. */
  readonly root: string;
  readonly models: MdsModel[];
}

const UNSAFE = new Set<string>(UNSAFE_MDS_STATUSES);

/**
 * The model's standing from its statusReports: reports in effectiveDate order; an unsafe status
 * flags the model, a later FIDO_CERTIFIED* report (a re-certification) clears it.
 */
export function modelStatus(reports: readonly { status: string; effectiveDate?: string }[]): {
  status: string;
  statusDate: string | null;
  compromised: boolean;
} {
  const ordered = reports
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r.effectiveDate ?? '').localeCompare(b.r.effectiveDate ?? '') || a.i - b.i)
    .map((x) => x.r);
  let compromised = false;
  for (const r of ordered) {
    if (UNSAFE.has(r.status)) compromised = true;
    else if (r.status.startsWith('FIDO_CERTIFIED')) compromised = false;
  }
  const last = ordered.at(-1);
  return {
    status: last?.status ?? 'NOT_FIDO_CERTIFIED',
    statusDate: last?.effectiveDate ?? null,
    compromised,
  };
}

const AAGUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function modelsOf(entries: readonly MetadataBLOBPayloadEntry[]): MdsModel[] {
  const out = new Map<string, MdsModel>();
  for (const e of entries) {
    const aaguid = typeof e.aaguid === 'string' ? e.aaguid.toLowerCase() : '';
    if (!AAGUID.test(aaguid) || aaguid === '00000000-0000-0000-0000-000000000000') continue;
    const description = e.metadataStatement?.description;
    const name =
      typeof description === 'string' && description.trim() !== ''
        ? description.trim().slice(0, 200)
        : 'Security key';
    const s = modelStatus(Array.isArray(e.statusReports) ? e.statusReports : []);
    out.set(aaguid, { aaguid, name, ...s });
  }
  return [...out.values()];
}

/** The PEM certificates in `pem`, each checked to be a CA certificate. */
function parseRoots(pem: string): string[] {
  if (pem.length > MAX_ROOT_LENGTH)
    throw new MdsBlobError('root', 'the root certificate file is too large');
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new MdsBlobError('root', 'no PEM certificate in the root file');
  for (const b of blocks) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(b);
    } catch {
      throw new MdsBlobError('root', 'the root certificate cannot be read');
    }
    if (!cert.ca) throw new MdsBlobError('root', 'the root certificate is not a CA certificate');
  }
  return blocks.map((b) => `${b}\n`);
}

// SettingsService is process-wide: one verification at a time sets the roots it trusts.
let queue: Promise<unknown> = Promise.resolve();

function serially<T>(job: () => Promise<T>): Promise<T> {
  const run = queue.then(job, job);
  queue = run.catch(() => undefined);
  return run;
}

/**
 * Verify an MDS3 BLOB (the JWT as downloaded) against `rootPem`, or the FIDO Alliance roots when
 * none is given; the models it lists with their status. Throws MdsBlobError.
 */
export async function verifyMdsBlob(
  blob: string,
  opts: { rootPem?: string } = {},
): Promise<VerifiedMdsBlob> {
  const jwt = blob.trim();
  if (jwt.length === 0 || jwt.length > MAX_MDS_BLOB_LENGTH)
    throw new MdsBlobError('format', 'not an MDS BLOB (size)');
  const parts = jwt.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p)))
    throw new MdsBlobError('format', 'not an MDS BLOB (a JWT has three base64url parts)');
  let header: { x5c?: unknown; alg?: unknown };
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as typeof header;
  } catch {
    throw new MdsBlobError('format', 'not an MDS BLOB (header is not JSON)');
  }
  if (
    !Array.isArray(header.x5c) ||
    header.x5c.length === 0 ||
    !header.x5c.every((c) => typeof c === 'string') ||
    typeof header.alg !== 'string'
  )
    throw new MdsBlobError('format', 'not an MDS BLOB (no x5c certificate chain in the header)');
  const roots = opts.rootPem !== undefined ? parseRoots(opts.rootPem) : [...FIDO_MDS_ROOTS];
  const verified = await serially(async () => {
    SettingsService.setRootCertificates({ identifier: 'mds', certificates: roots });
    try {
      return await verifyMDSBlob(jwt);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (/certificate path/i.test(message)) throw new MdsBlobError('chain', message);
      if (/signature/i.test(message)) throw new MdsBlobError('signature', message);
      throw new MdsBlobError('format', message);
    } finally {
      SettingsService.setRootCertificates({
        identifier: 'mds',
        certificates: [...FIDO_MDS_ROOTS],
      });
    }
  });
  const p = verified.payload;
  if (
    typeof p.no !== 'number' ||
    !Number.isSafeInteger(p.no) ||
    typeof p.nextUpdate !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}$/.test(p.nextUpdate) ||
    !Array.isArray(p.entries)
  )
    throw new MdsBlobError('format', 'the BLOB payload lacks no, nextUpdate or entries');
  const rootSubject = new X509Certificate(roots[0]).subject.replace(/\n/g, ', ');
  return {
    serial: p.no,
    nextUpdate: p.nextUpdate,
    root: rootSubject,
    models: modelsOf(p.entries),
  };
}

/** A catalog of the BLOB's models (AAGUID → name and status). */
export function mdsCatalog(models: readonly MdsModel[]): ModelCatalog {
  const byAaguid = new Map<string, ModelEntry>(
    models.map((m) => [
      m.aaguid,
      { name: m.name, mdsStatus: m.status, compromised: m.compromised },
    ]),
  );
  return { lookup: (aaguid) => byAaguid.get(aaguid.toLowerCase()) };
}
