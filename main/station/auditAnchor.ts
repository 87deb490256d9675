/**
 * The audit log's anchor outside the registry (docs/SECURITY-REVIEW.md "Audit truncation and
 * rollback"): after every change the station writes a signed checkpoint — station id, last
 * sequence number, that row's chain hash — to a directory the operator chooses (another disk,
 * a share, a USB stick: anywhere a copy of the data directory does not reach). The signature is
 * Ed25519 with a key derived from the station key (main/station/secrets.ts `anchorKeys`), so
 * nobody with only the registry can write a checkpoint. `AuditLog.verify` compares the registry
 * with it: rows deleted up to the very first, or the whole registry rolled back to an older
 * backup, no longer match the last checkpoint.
 */
import { sign, verify } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StationKeyring } from './secrets';

export interface AuditCheckpoint {
  readonly v: 1;
  readonly stationId: string;
  /** The last row's sequence number (0: an empty log). */
  readonly seq: number;
  /** That row's chain hash, hex (zeros for an empty log). */
  readonly hash: string;
  readonly at: string;
  /** Ed25519 signature over `signedText`, base64url. */
  readonly sig: string;
}

export const CHECKPOINT_VERSION = 1;

function signedText(c: Omit<AuditCheckpoint, 'sig'>): string {
  return `keystation-audit-checkpoint:v${c.v}:${c.stationId}:${c.seq}:${c.hash}:${c.at}`;
}

export function signCheckpoint(
  keys: StationKeyring,
  c: Omit<AuditCheckpoint, 'sig' | 'v'>,
): AuditCheckpoint {
  const body = { v: CHECKPOINT_VERSION, ...c } as const;
  const sig = sign(null, Buffer.from(signedText(body)), keys.anchorKeys().privateKey);
  return { ...body, sig: sig.toString('base64url') };
}

/** A checkpoint from a file, an export or a backup: well-formed and signed by this station. */
export function checkpointValid(
  keys: StationKeyring,
  stationId: string,
  c: unknown,
): c is AuditCheckpoint {
  if (typeof c !== 'object' || c === null) return false;
  const x = c as Record<string, unknown>;
  if (
    x.v !== CHECKPOINT_VERSION ||
    x.stationId !== stationId ||
    !Number.isSafeInteger(x.seq) ||
    (x.seq as number) < 0 ||
    typeof x.hash !== 'string' ||
    !/^[0-9a-f]{64}$/.test(x.hash) ||
    typeof x.at !== 'string' ||
    typeof x.sig !== 'string'
  ) {
    return false;
  }
  try {
    return verify(
      null,
      Buffer.from(signedText(x as unknown as AuditCheckpoint)),
      keys.anchorKeys().publicKey,
      Buffer.from(x.sig, 'base64url'),
    );
  } catch {
    return false;
  }
}

/** The checkpoint file of one station in the anchor directory. */
export function checkpointFile(dir: string, stationId: string): string {
  return join(dir, `keystation-audit-${stationId}.checkpoint.json`);
}

export type AnchorRead =
  | { readonly state: 'none' }
  | { readonly state: 'valid'; readonly checkpoint: AuditCheckpoint }
  /** A file is there but unreadable, or not signed by this station: treat as tampering. */
  | { readonly state: 'invalid' };

/** Reads and writes the checkpoint in the directory the operator chose. */
export class AuditAnchor {
  constructor(
    readonly dir: string,
    private readonly keys: StationKeyring,
    private readonly stationId: string,
  ) {}

  read(): AnchorRead {
    let text: string;
    try {
      text = readFileSync(checkpointFile(this.dir, this.stationId), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'none' };
      return { state: 'invalid' };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { state: 'invalid' };
    }
    return checkpointValid(this.keys, this.stationId, parsed)
      ? { state: 'valid', checkpoint: parsed }
      : { state: 'invalid' };
  }

  /** Atomic replace (write a temporary file, rename), so a crash never leaves half a file. */
  write(c: AuditCheckpoint): void {
    mkdirSync(this.dir, { recursive: true });
    const file = checkpointFile(this.dir, this.stationId);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(c, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, file);
  }
}
