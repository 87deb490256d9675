/**
 * Choosing the audit anchor directory from the console (docs/SECURITY-REVIEW.md "Audit truncation
 * and rollback"): an admin's choice, a full path outside the data directory, proven writable by
 * writing the current checkpoint there before it is saved; recorded in the audit log.
 */
import { isAbsolute, resolve } from 'node:path';
import { StationError } from './errors';
import { isInsideDir } from './paths';
import type { Station } from './index';

export interface AuditAnchorView {
  /** The directory in use, or null: no anchor. */
  readonly dir: string | null;
  /** Given with --audit-anchor when the station started: not changed from the console. */
  readonly fromCommandLine: boolean;
  /** The newest checkpoint written or read there. */
  readonly checkpointSeq: number | null;
}

export interface AuditAnchorSetting {
  readonly dataDir: string;
  /** --audit-anchor, if given. */
  readonly commandLine?: string;
  get(): string | null;
  save(dir: string | null): void;
}

export function auditAnchorView(station: Station, setting: AuditAnchorSetting): AuditAnchorView {
  station.session.assertStaff();
  return {
    dir: setting.commandLine ?? setting.get(),
    fromCommandLine: setting.commandLine !== undefined,
    checkpointSeq: station.audit.anchoredSeq(),
  };
}

export function chooseAuditAnchor(
  station: Station,
  setting: AuditAnchorSetting,
  dir: string | null,
): AuditAnchorView {
  station.session.assertAdmin();
  if (setting.commandLine !== undefined) throw new StationError('audit.anchorFromCommandLine');
  if (dir !== null) {
    if (!isAbsolute(dir)) throw new StationError('audit.anchorNotAbsolute');
    const full = resolve(dir);
    if (isInsideDir(full, setting.dataDir)) throw new StationError('audit.anchorInsideDataDir');
    try {
      station.audit.anchorTo(full);
    } catch {
      throw new StationError('audit.anchorUnwritable');
    }
    dir = full;
  }
  station.audit.append('settings.changed', null, { key: 'auditAnchorDir', value: dir });
  setting.save(dir);
  return auditAnchorView(station, setting);
}
