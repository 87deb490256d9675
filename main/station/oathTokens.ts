import { OathTokenRepository } from '../db/repositories/oathTokens';
import type { StationContext } from './context';
import type { RowError } from './errors';
import { headerColumns, parseCsv } from './csv';
import { normalizeBase32 } from './methods/totp';
import { UPN_PATTERN } from './people';

/** The identity provider's OATH token CSV header (DESIGN.md §6). */
export const OATH_CSV_COLUMNS = [
  'upn',
  'serial number',
  'secret key',
  'time interval',
  'manufacturer',
  'model',
] as const;
export const OATH_SECRET_MAX = 128;

export interface OathTokenSummary {
  readonly serial: string;
  readonly upn: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly period: 30 | 60;
  readonly status: 'available' | 'active';
  readonly methodId: number | null;
  readonly importedAt: string;
}

export interface OathImportResult {
  readonly rows: number;
  readonly imported: number;
  readonly errors: RowError[];
}

function toSummary(r: {
  serial: string;
  upn: string;
  manufacturer: string;
  model: string;
  period: 30 | 60;
  method_id: number | null;
  imported_at: string;
}): OathTokenSummary {
  return {
    serial: r.serial,
    upn: r.upn,
    manufacturer: r.manufacturer,
    model: r.model,
    period: r.period,
    status: r.method_id === null ? 'available' : 'active',
    methodId: r.method_id,
    importedAt: r.imported_at,
  };
}

/** OATH hardware-token inventory, pre-loaded by an administrator's CSV. */
export class OathTokenInventory {
  private readonly repo: OathTokenRepository;

  constructor(private readonly ctx: StationContext) {
    this.repo = new OathTokenRepository(ctx.db);
  }

  list(opts: { upn?: string } = {}): OathTokenSummary[] {
    this.ctx.session.assertStaff();
    return this.repo.list(opts.upn).map(toSummary);
  }

  /**
   * Validates every row and reports each problem with its line; valid rows are stored in one
   * transaction (unless dryRun). The secret goes straight into AES-GCM; it is never echoed back.
   */
  importCsv(csv: string, opts: { dryRun?: boolean } = {}): OathImportResult {
    this.ctx.session.assertStaff();
    const table = parseCsv(csv);
    const col = headerColumns(table, OATH_CSV_COLUMNS, OATH_CSV_COLUMNS);
    const errors: RowError[] = [];
    const seen = new Set<string>();
    const valid: {
      serial: string;
      upn: string;
      secret: string;
      period: 30 | 60;
      manufacturer: string;
      model: string;
    }[] = [];
    for (const { line, cells } of table.rows) {
      const get = (c: (typeof OATH_CSV_COLUMNS)[number]): string =>
        (cells[col.get(c) ?? -1] ?? '').trim();
      const before = errors.length;
      const upn = get('upn');
      const serial = get('serial number');
      const secret = normalizeBase32(get('secret key'));
      const interval = get('time interval');
      if (!upn) errors.push({ line, code: 'row.missingField', params: { field: 'upn' } });
      else if (!UPN_PATTERN.test(upn)) errors.push({ line, code: 'row.invalidUpn' });
      else if (!this.repo.personExists(upn)) errors.push({ line, code: 'row.unknownPerson' });
      if (!serial)
        errors.push({ line, code: 'row.missingField', params: { field: 'serial number' } });
      else if (serial.length > 64)
        errors.push({ line, code: 'row.tooLong', params: { field: 'serial number', max: 64 } });
      else if (seen.has(serial.toLowerCase()))
        errors.push({ line, code: 'row.duplicate', params: { field: 'serial number' } });
      else if (this.repo.exists(serial)) errors.push({ line, code: 'row.alreadyImported' });
      if (!secret) errors.push({ line, code: 'row.missingField', params: { field: 'secret key' } });
      else if (secret.length > OATH_SECRET_MAX)
        errors.push({ line, code: 'row.secretTooLong', params: { max: OATH_SECRET_MAX } });
      else if (!/^[A-Z2-7]+$/.test(secret) || secret.length < 16)
        errors.push({ line, code: 'row.invalidSecret' });
      if (interval !== '30' && interval !== '60') errors.push({ line, code: 'row.invalidPeriod' });
      for (const f of ['manufacturer', 'model'] as const) {
        if (get(f).length > 64)
          errors.push({ line, code: 'row.tooLong', params: { field: f, max: 64 } });
      }
      if (serial) seen.add(serial.toLowerCase());
      if (errors.length === before) {
        valid.push({
          serial,
          upn,
          secret,
          period: interval === '60' ? 60 : 30,
          manufacturer: get('manufacturer'),
          model: get('model'),
        });
      }
    }
    if (!opts.dryRun && valid.length > 0) {
      const now = this.ctx.clock().toISOString();
      this.ctx.db.transaction(() => {
        for (const t of valid) {
          this.repo.insert({
            serial: t.serial,
            upn: t.upn,
            secret: this.ctx.keys.seal(Buffer.from(t.secret, 'ascii'), 'oath'),
            period: t.period,
            manufacturer: t.manufacturer,
            model: t.model,
            importedAt: now,
          });
        }
        this.ctx.audit.append('oath.imported', null, {
          count: valid.length,
          rejected: table.rows.length - valid.length,
        });
      })();
    }
    return { rows: table.rows.length, imported: opts.dryRun ? 0 : valid.length, errors };
  }
}
