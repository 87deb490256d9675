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
import type { MethodRegistry } from '../methods/registry';
import type { PeopleService } from '../people';
import type { ProvisionedKey } from './engine';
import type { ProvisioningTarget } from './options';

export class ProvisioningService {
  readonly repo: ProvisioningRepository;

  constructor(
    private readonly ctx: StationContext,
    private readonly people: PeopleService,
    private readonly methods: MethodRegistry,
    private readonly idp: IdpService,
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

  /** People of the roster whose creation options are unused and unexpired ("challenge ready"). */
  readyTargets(): ProvisioningTarget[] {
    return this.repo.readyOptions(this.now()).map((r) => ({
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

  /** Runs inside the transaction that marks the person done (ProvisioningHooks.commit). */
  commit(done: ProvisionedKey): void {
    const personId = done.row.person_id;
    if (personId === null) return; // not in this roster: the registrations file carries it
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
