/**
 * Provisioning in a station's registry (docs/PROVISIONING.md): jobs for roster people, from an
 * options file or from the creation options the registry already holds (fetched or imported),
 * and the registry side of each finished person in the same transaction that marks them done:
 * a security-key method with its credential, and for people linked to the identity provider the
 * exact registration request in the outbox (docs/IDP.md).
 */
import { randomUUID } from 'node:crypto';
import {
  ProvisioningRepository,
  type NewProvisioningPerson,
} from '../../db/repositories/provisioning';
import type { StationContext } from '../context';
import type { IdpService } from '../idp/service';
import type { KeyModelService } from '../keyModels';
import { checkKeyModel } from '../methods/securityKeyRules';
import type { MethodRegistry } from '../methods/registry';
import type { PeopleService } from '../people';
import type { ProvisionedKey } from './engine';
import { ENTRA_RP_ID, readOptionsFile, type ProvisioningTarget } from './options';

/** A problem with one row of an options file (docs/PROVISIONING.md "Options files"). */
export interface OptionsImportProblem {
  readonly row: number;
  /** An options-file problem, or `notInRoster`: nobody in the roster has that id or UPN. */
  readonly problem: string;
}

export interface OptionsImportResult {
  readonly format: 'json' | 'jsonl' | 'csv';
  /** People whose challenge is now ready. */
  readonly imported: number;
  /** Rows whose challenge the registry held already. */
  readonly unchanged: number;
  readonly errors: OptionsImportProblem[];
}

/** A roster person with unused, unexpired creation options: "challenge ready until …". */
export interface ReadyPerson {
  readonly personId: number;
  readonly upn: string;
  readonly displayName: string;
  readonly department: string;
  readonly expiresAt: string;
  readonly linked: boolean;
}

export class ProvisioningService {
  readonly repo: ProvisioningRepository;

  constructor(
    private readonly ctx: StationContext,
    private readonly people: PeopleService,
    private readonly methods: MethodRegistry,
    private readonly idp: IdpService,
    private readonly models: KeyModelService,
  ) {
    this.repo = new ProvisioningRepository(ctx.db);
  }

  private now(): string {
    return this.ctx.clock().toISOString();
  }

  /** The roster person a target is for: by the provider's object id, else by UPN. */
  private personFor(t: Pick<ProvisioningTarget, 'userId' | 'upn'>): number | null {
    if (t.userId) {
      const linked = this.idp.repo.personByProviderId(t.userId);
      if (linked) return linked.person_id;
    }
    return this.people.findByUpn(t.upn)?.id ?? null;
  }

  /**
   * Imports an options file (provider JSON / JSON lines or the bulk-registration CSV) into the
   * roster: each row's person gets the options as "challenge ready until …", in one transaction.
   * Every row is checked on its own; the others are imported.
   */
  importOptions(text: string, opts: { rpId?: string } = {}): OptionsImportResult {
    this.ctx.session.assertStaff();
    const read = readOptionsFile(text, { rpId: opts.rpId ?? ENTRA_RP_ID, now: this.ctx.clock() });
    const errors: OptionsImportProblem[] = read.errors.map((e) => ({ ...e }));
    let imported = 0;
    let unchanged = 0;
    const now = this.now();
    this.ctx.db.transaction(() => {
      for (const t of read.targets) {
        const personId = this.personFor(t);
        if (personId === null) {
          errors.push({ row: t.row ?? 0, problem: 'notInRoster' });
          continue;
        }
        const saved = this.idp.repo.saveCreationOptions(
          personId,
          t.challenge,
          JSON.stringify(t.publicKey),
          'imported',
          t.expiresAt,
          now,
        );
        if (saved) imported++;
        else unchanged++;
      }
      this.ctx.audit.append('provisioning.optionsImported', null, {
        imported,
        unchanged,
        errors: errors.length,
      });
    })();
    errors.sort((a, b) => a.row - b.row);
    return { format: read.format, imported, unchanged, errors };
  }

  /** Roster people with a ready challenge, in UPN order. */
  readyPeople(): ReadyPerson[] {
    this.ctx.session.assertStaff();
    return this.repo.readyOptions(this.now()).map((r) => ({
      personId: r.person_id,
      upn: r.upn,
      displayName: r.display_name,
      department: r.department,
      expiresAt: r.expires_at,
      linked: r.provider_id !== null,
    }));
  }

  /** People of the roster whose creation options are unused and unexpired ("challenge ready"). */
  readyTargets(personIds?: ReadonlySet<number>): ProvisioningTarget[] {
    return this.repo
      .readyOptions(this.now())
      .filter((r) => !personIds || personIds.has(r.person_id))
      .map((r) => ({
        userId: r.provider_id,
        upn: r.upn,
        displayName: r.display_name,
        challenge: r.challenge,
        expiresAt: r.expires_at,
        publicKey: JSON.parse(r.options) as Record<string, unknown>,
      }));
  }

  createJob(targets: readonly ProvisioningTarget[], settings: Record<string, unknown>): string {
    this.ctx.session.assertStaff();
    const id = randomUUID();
    const rows: NewProvisioningPerson[] = targets.map((t) => ({
      personId: this.personFor(t),
      userId: t.userId,
      upn: t.upn,
      displayName: t.displayName,
      challenge: t.challenge,
      expiresAt: t.expiresAt,
      options: JSON.stringify(t.publicKey),
    }));
    this.repo.createJob(id, JSON.stringify(settings), this.now(), rows);
    return id;
  }

  /**
   * A key provisioned at this station passes the rule a person's own key does (the allow-list,
   * the virtual key refused on a production station, a model the imported FIDO metadata flags).
   */
  checkKeyModel(aaguid: string): void {
    checkKeyModel(
      this.ctx.policy().securityKey,
      this.ctx.mode,
      aaguid,
      this.models.importedCatalog(),
    );
  }

  /** Runs inside the transaction that marks the person done (ProvisioningHooks.commit). */
  commit(done: ProvisionedKey): void {
    const personId = done.row.person_id;
    if (personId === null) return; // not in this roster: the registrations file carries it
    // The challenge is spent: the person no longer shows "challenge ready".
    this.idp.repo.useCreationOptions(done.row.challenge, this.now());
    const label = done.body.displayName;
    const methodId = this.methods.insert(
      personId,
      {
        kind: 'securityKey',
        label,
        detail: done.key.model,
        data: { aaguid: done.key.aaguid },
      },
      { aaguid: done.key.aaguid, model: done.key.model, provisioned: true },
    );
    this.methods.repo.insertKeyCredential(methodId, {
      credentialId: Buffer.from(done.body.publicKeyCredential.id, 'base64url'),
      publicKey: Buffer.from(done.credential.publicKey),
      aaguid: done.key.aaguid,
      modelName: done.key.model,
      signCount: done.credential.counter,
      transports: ['usb'],
      attestationFormat: done.credential.fmt,
      rpId: done.credential.rpId,
      userHandle: Buffer.from(done.credential.userHandle, 'base64url'),
      registrationJson: done.credential.registrationJson,
    });
    if (this.idp.isLinked() && this.idp.linkedProviderId(personId)) {
      const pkc = done.body.publicKeyCredential;
      this.idp.enqueueFido2(personId, methodId, done.row.challenge, label, {
        id: pkc.id,
        clientDataJSON: pkc.response.clientDataJSON,
        attestationObject: pkc.response.attestationObject,
        clientExtensionResults: pkc.clientExtensionResults,
      });
    }
  }
}
