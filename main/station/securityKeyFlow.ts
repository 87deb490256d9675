/**
 * The security key flow as the station's screens drive it (DESIGN.md §3.3): the key chosen by
 * its device id, each step that talks to the key run as a cancellable operation (KeyOperations),
 * and a cancel that stops the key and forgets the enrollment. The rules themselves stay in
 * SecurityKeyEnrollment (main/station/methods/securityKey.ts).
 */
import type { DeviceTarget } from '../../native/index';
import { StationError } from './errors';
import { KeyOperations, type OperationMatch } from './keyOperations';
import type { KeyInteraction, SecurityKeyEnrollment, SecurityKeyInfo } from './methods/securityKey';
import type { PolicyService } from './policyService';
import type { KeyDevice } from './devices';
import type { MethodSummary, PersonId } from './types';

/** The slice of KeyDevices the flow needs: what is plugged in, and a key by its id. */
export interface FlowDevices {
  list(): KeyDevice[];
  target(deviceId: string): DeviceTarget;
}

export interface SecurityKeyStart extends SecurityKeyInfo {
  /** The longest key name the policy accepts, for the naming step. */
  readonly maxNameLength: number;
}

export class SecurityKeyFlow {
  readonly #operations: KeyOperations;
  /** `begin` operations still running: they have no enrollment id yet. */
  readonly #beginning = new Set<string>();
  /** Begins cancelled while they ran: their enrollment is cancelled as soon as it exists. */
  readonly #cancelledBegins = new Set<string>();

  constructor(
    private readonly enrollment: SecurityKeyEnrollment,
    private readonly policy: PolicyService,
    private readonly devices: FlowDevices,
    operations: KeyOperations = new KeyOperations(),
  ) {
    this.#operations = operations;
  }

  /** The keys plugged in now (and a demo station's virtual keys). */
  keys(): KeyDevice[] {
    return this.devices.list();
  }

  async begin(
    personId: PersonId,
    deviceId: string,
    operationId: string,
  ): Promise<SecurityKeyStart> {
    let info: SecurityKeyInfo;
    this.#beginning.add(operationId);
    try {
      info = await this.#operations.run(operationId, (signal) =>
        this.enrollment.begin(personId, this.devices.target(deviceId), { signal }),
      );
    } catch (e) {
      this.#cancelledBegins.delete(operationId);
      throw e;
    } finally {
      this.#beginning.delete(operationId);
    }
    if (this.#cancelledBegins.delete(operationId)) {
      await this.enrollment.cancel(info.enrollmentId);
      throw new StationError('securityKey.cancelled');
    }
    return { ...info, maxNameLength: this.policy.get().securityKey.maxNameLength };
  }

  setPin(enrollmentId: string, pin: string, confirmation: string): Promise<void> {
    return this.enrollment.setPin(enrollmentId, pin, confirmation);
  }

  verifyPin(enrollmentId: string, pin: string): Promise<void> {
    return this.enrollment.verifyPin(enrollmentId, pin);
  }

  changePin(
    enrollmentId: string,
    currentPin: string,
    newPin: string,
    confirmation: string,
  ): Promise<void> {
    return this.enrollment.changePin(enrollmentId, currentPin, newPin, confirmation);
  }

  register(
    enrollmentId: string,
    operationId: string,
    interaction: KeyInteraction,
  ): Promise<{ aaguid: string; model: string; attestationFormat: string }> {
    return this.#operations.run(
      operationId,
      (signal) => this.enrollment.register(enrollmentId, { signal, interaction }),
      { enrollmentId },
    );
  }

  complete(
    enrollmentId: string,
    operationId: string,
    name: string,
    interaction: KeyInteraction,
  ): Promise<MethodSummary> {
    return this.#operations.run(
      operationId,
      (signal) => this.enrollment.complete(enrollmentId, { name, signal, interaction }),
      { enrollmentId },
    );
  }

  /** "Get a new challenge" from the provider for a linked person's enrollment (docs/IDP.md). */
  newChallenge(enrollmentId: string): Promise<{ expiresAt: string }> {
    return this.enrollment.refreshProviderOptions(enrollmentId);
  }

  /**
   * Stops the matching key operations (the key gets CANCEL) and, given an enrollment id,
   * forgets that enrollment and closes its key.
   */
  async cancel(match: OperationMatch): Promise<void> {
    const { aborted, ended } = this.#operations.cancel(match);
    for (const id of aborted) if (this.#beginning.has(id)) this.#cancelledBegins.add(id);
    await ended;
    if (match.enrollmentId !== undefined) await this.enrollment.cancel(match.enrollmentId);
  }
}
