/**
 * Creation options issued by the identity provider ahead of time, read from a file for
 * provisioning offline (docs/PROVISIONING.md "Options files"): a JSON array or JSON lines of the
 * provider's creation-options replies (each with the person's object id and/or UPN), or the CSV
 * the Entra bulk-registration scripts write
 * (`#User.Name,User.DisplayName,User.ID,Challenge,ChallengeExpiryTime`). Every row is checked on
 * its own; a bad row is reported by number and reason and never stops the others.
 */
import { parseCsv } from '../csv';

/** One person ready to be provisioned: who, and the options exactly as the provider issued them. */
export interface ProvisioningTarget {
  /** The provider's object id when the file carried one. */
  readonly userId: string | null;
  readonly upn: string;
  readonly displayName: string;
  readonly challenge: string;
  readonly expiresAt: string;
  /** PublicKeyCredentialCreationOptionsJSON, annotations stripped. */
  readonly publicKey: Record<string, unknown>;
  /** Where the target was in its options file (for a later per-row problem). */
  readonly row?: number;
}

export type OptionsRowProblem =
  | 'notJson'
  | 'noPublicKey'
  | 'badChallenge'
  | 'badUserHandle'
  | 'noPerson'
  | 'badExpiry'
  | 'expired'
  | 'duplicate'
  | 'badRpId'
  | 'badHeader';

export interface OptionsRowError {
  /** 1-based line (JSON lines, CSV) or array index + 1 (JSON array). */
  readonly row: number;
  readonly problem: OptionsRowProblem;
}

export interface OptionsImport {
  readonly format: 'json' | 'jsonl' | 'csv';
  readonly targets: ProvisioningTarget[];
  readonly errors: OptionsRowError[];
}

/** The RP id Entra ID issues options for (docs/PROVISIONING.md). */
export const ENTRA_RP_ID = 'login.microsoftonline.com';
export const ENTRA_ORIGIN = 'https://login.microsoftonline.com';
export const BULK_CSV_HEADER = '#User.Name,User.DisplayName,User.ID,Challenge,ChallengeExpiryTime';

const B64URL = /^[A-Za-z0-9_-]+$/;
const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function isBase64Url(s: unknown, minBytes: number, maxBytes: number): s is string {
  if (typeof s !== 'string' || !B64URL.test(s) || s.length % 4 === 1) return false;
  const bytes = Math.floor((s.length * 3) / 4);
  return bytes >= minBytes && bytes <= maxBytes;
}

/** Drops `@odata.*` annotations at every depth (Graph annotates each object). */
export function stripAnnotations(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripAnnotations);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v))
      if (!k.startsWith('@odata.')) out[k] = stripAnnotations(x);
    return out;
  }
  return v;
}

/**
 * The fixed options of the bulk-registration scripts, for a CSV row (docs/PROVISIONING.md):
 * ES256 + RS256, resident key and UV required, attestation direct, hmac-secret, credProtect 1
 * (higher levels break Windows sign-in on some builds).
 */
export function bulkScriptOptions(
  rpId: string,
  row: { upn: string; displayName: string; userHandle: string; challenge: string },
): Record<string, unknown> {
  return {
    rp: { id: rpId, name: 'Microsoft' },
    user: { id: row.userHandle, name: row.upn, displayName: row.displayName },
    challenge: row.challenge,
    pubKeyCredParams: [
      { type: 'public-key', alg: -7 },
      { type: 'public-key', alg: -257 },
    ],
    timeout: 300_000,
    excludeCredentials: [],
    authenticatorSelection: {
      authenticatorAttachment: 'cross-platform',
      requireResidentKey: true,
      residentKey: 'required',
      userVerification: 'required',
    },
    attestation: 'direct',
    extensions: {
      hmacCreateSecret: true,
      credentialProtectionPolicy: 'userVerificationOptional',
      enforceCredentialProtectionPolicy: false,
    },
  };
}

function detectFormat(text: string): 'json' | 'jsonl' | 'csv' {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('[')) return 'json';
  if (t.startsWith('{')) return 'jsonl';
  return 'csv';
}

export interface ReadOptionsSettings {
  /** RP id for CSV rows (the station's provider settings; default Entra's). */
  readonly rpId?: string;
  /** Now, for the expiry check. */
  readonly now: Date;
}

/** Reads an options file; every row is a target or an error. */
export function readOptionsFile(text: string, settings: ReadOptionsSettings): OptionsImport {
  const format = detectFormat(text);
  const rows: { row: number; value: unknown }[] = [];
  const errors: OptionsRowError[] = [];
  const targets: ProvisioningTarget[] = [];
  const seen = new Set<string>();
  const now = settings.now.getTime();
  const accept = (row: number, t: ProvisioningTarget): void => {
    const expiry = Date.parse(t.expiresAt);
    const key = t.upn.toLowerCase();
    if (Number.isNaN(expiry)) errors.push({ row, problem: 'badExpiry' });
    else if (expiry <= now) errors.push({ row, problem: 'expired' });
    else if (seen.has(key) || seen.has(t.challenge)) errors.push({ row, problem: 'duplicate' });
    else {
      seen.add(key);
      seen.add(t.challenge);
      targets.push({ ...t, row, expiresAt: new Date(expiry).toISOString() });
    }
  };

  if (format === 'csv') {
    const rpId = settings.rpId ?? ENTRA_RP_ID;
    if (!HOSTNAME.test(rpId)) return { format, targets, errors: [{ row: 1, problem: 'badRpId' }] };
    const table = parseCsv(text);
    if (table.header.join(',') !== BULK_CSV_HEADER.toLowerCase())
      return { format, targets, errors: [{ row: 1, problem: 'badHeader' }] };
    for (const { line: row, cells } of table.rows) {
      if (cells.every((c) => c.trim() === '')) continue;
      const [upn = '', displayName = '', userHandle = '', challenge = '', expiry = ''] = cells.map(
        (c) => c.trim(),
      );
      if (!upn.includes('@')) {
        errors.push({ row, problem: 'noPerson' });
        continue;
      }
      if (!isBase64Url(userHandle, 1, 64)) {
        errors.push({ row, problem: 'badUserHandle' });
        continue;
      }
      if (!isBase64Url(challenge, 16, 64)) {
        errors.push({ row, problem: 'badChallenge' });
        continue;
      }
      const name = displayName || upn;
      accept(row, {
        userId: null,
        upn,
        displayName: name,
        challenge,
        expiresAt: expiry,
        publicKey: bulkScriptOptions(rpId, { upn, displayName: name, userHandle, challenge }),
      });
    }
    return { format, targets, errors };
  }

  if (format === 'json') {
    let arr: unknown;
    try {
      arr = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      return { format, targets, errors: [{ row: 1, problem: 'notJson' }] };
    }
    if (!Array.isArray(arr)) return { format, targets, errors: [{ row: 1, problem: 'notJson' }] };
    arr.forEach((value, i) => rows.push({ row: i + 1, value }));
  } else {
    text
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .forEach((line, i) => {
        if (!line.trim()) return;
        try {
          rows.push({ row: i + 1, value: JSON.parse(line) as unknown });
        } catch {
          errors.push({ row: i + 1, problem: 'notJson' });
        }
      });
  }
  for (const { row, value } of rows) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      errors.push({ row, problem: 'notJson' });
      continue;
    }
    const j = value as Record<string, unknown>;
    // beta wraps the reply in `value`; the person's id / UPN sit beside it.
    const reply = (j.value && typeof j.value === 'object' ? j.value : j) as Record<string, unknown>;
    const pk = stripAnnotations(reply.publicKey) as Record<string, unknown> | undefined;
    if (!pk || typeof pk !== 'object') {
      errors.push({ row, problem: 'noPublicKey' });
      continue;
    }
    const user = (pk.user ?? {}) as Record<string, unknown>;
    if (!isBase64Url(pk.challenge, 16, 64)) {
      errors.push({ row, problem: 'badChallenge' });
      continue;
    }
    if (!isBase64Url(user.id, 1, 64)) {
      errors.push({ row, problem: 'badUserHandle' });
      continue;
    }
    const rp = (pk.rp ?? {}) as Record<string, unknown>;
    if (typeof rp.id !== 'string' || !HOSTNAME.test(rp.id)) {
      errors.push({ row, problem: 'badRpId' });
      continue;
    }
    const upn = typeof j.upn === 'string' ? j.upn : typeof user.name === 'string' ? user.name : '';
    const userId = typeof j.userId === 'string' && j.userId ? j.userId : null;
    if (!upn.includes('@')) {
      errors.push({ row, problem: 'noPerson' });
      continue;
    }
    accept(row, {
      userId,
      upn,
      displayName:
        typeof user.displayName === 'string' && user.displayName ? user.displayName : upn,
      challenge: pk.challenge,
      expiresAt: String(reply.challengeTimeoutDateTime ?? j.challengeTimeoutDateTime ?? ''),
      publicKey: pk,
    });
  }
  return { format, targets, errors };
}
