/**
 * The security key flow's contract entries (DESIGN.md §3.3) over station.enroll.securityKey.
 *
 * Every call that talks to the key runs under an AbortController registered by its operation
 * id (and enrollment id), so `cancel` really stops the key: the native client sends CTAPHID
 * CANCEL and the call ends with `securityKey.cancelled`. While the key waits for presence the
 * caller's renderer gets `key.keepalive` events (UPNEEDED → "Touch your security key").
 */
import type { Station } from '../station';
import { StationError } from '../station';
import { registryId, toContractMethod } from './convert';
import type { CallContext, DomainHandlers } from './dispatch';
import type { KeyDevices } from '../station/devices';

interface Operation {
  readonly controller: AbortController;
  enrollmentId?: string;
  /** Settles (never rejects) when the operation has ended. */
  settled?: Promise<void>;
}

/** How long cancel waits for the key to acknowledge CANCEL before closing the connection. */
const CANCEL_GRACE_MS = 2000;

export function securityKeyHandlers(
  station: Station,
  devices: KeyDevices,
): DomainHandlers<'securityKey'> {
  const enrollment = station.enroll.securityKey;
  const operations = new Map<string, Operation>();
  /** Enrollments cancelled while their `begin` was still running. */
  const cancelledOperations = new Set<string>();

  /** Runs one key operation under its own AbortController; cancel() aborts it. */
  async function run<T>(
    operationId: string,
    enrollmentId: string | undefined,
    body: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    if (operations.has(operationId))
      throw new StationError('input.invalid', { field: 'operationId' });
    const op: Operation = { controller: new AbortController(), enrollmentId };
    operations.set(operationId, op);
    const running = body(op.controller.signal);
    op.settled = running.then(
      () => undefined,
      () => undefined,
    );
    try {
      return await running;
    } finally {
      operations.delete(operationId);
    }
  }

  function interaction(operationId: string, ctx: CallContext) {
    return {
      onEvent(e: { type: 'touch' } | { type: 'processing' } | { type: 'touched' }) {
        if (e.type === 'touched') {
          ctx.emit('operation.progress', { operationId, step: 'touched' });
        } else {
          ctx.emit('key.keepalive', {
            operationId,
            status: e.type === 'touch' ? 'touchNeeded' : 'processing',
          });
        }
      },
    };
  }

  return {
    devices() {
      return { devices: devices.list() };
    },

    async begin({ personId, deviceId, operationId }) {
      const person = registryId(personId);
      let info;
      try {
        info = await run(operationId, undefined, (signal) =>
          enrollment.begin(person, devices.target(deviceId), { signal }),
        );
      } catch (e) {
        cancelledOperations.delete(operationId);
        throw e;
      }
      if (cancelledOperations.delete(operationId)) {
        await enrollment.cancel(info.enrollmentId);
        throw new StationError('securityKey.cancelled');
      }
      return {
        enrollmentId: info.enrollmentId,
        aaguid: info.aaguid,
        model: info.model,
        isVirtual: info.isVirtual,
        firmware: info.firmware,
        versions: [...info.versions],
        pinSet: info.pinSet,
        pinRetries: info.pinRetries,
        pinStep: info.pinStep,
        mustChangePin: info.mustChangePin,
        pinPolicy: {
          minLength: info.pinPolicy.minLength,
          rejectTrivial: info.pinPolicy.rejectTrivial,
        },
        maxNameLength: station.policy.get().securityKey.maxNameLength,
      };
    },

    async setPin({ enrollmentId, pin, confirmation }) {
      await enrollment.setPin(enrollmentId, pin, confirmation);
      return { ok: true as const };
    },

    async verifyPin({ enrollmentId, pin }) {
      await enrollment.verifyPin(enrollmentId, pin);
      return { ok: true as const };
    },

    async changePin({ enrollmentId, currentPin, newPin, confirmation }) {
      await enrollment.changePin(enrollmentId, currentPin, newPin, confirmation);
      return { ok: true as const };
    },

    async register({ enrollmentId, operationId }, ctx) {
      const result = await run(operationId, enrollmentId, (signal) =>
        enrollment.register(enrollmentId, { signal, interaction: interaction(operationId, ctx) }),
      );
      return { model: result.model, attestationFormat: result.attestationFormat };
    },

    async complete({ enrollmentId, operationId, name }, ctx) {
      const method = await run(operationId, enrollmentId, (signal) =>
        enrollment.complete(enrollmentId, {
          name,
          signal,
          interaction: interaction(operationId, ctx),
        }),
      );
      return toContractMethod(method);
    },

    newChallenge({ enrollmentId }) {
      return enrollment.refreshProviderOptions(enrollmentId);
    },

    async cancel({ enrollmentId, operationId }) {
      const stopping: Promise<void>[] = [];
      for (const [id, op] of operations) {
        const match =
          (operationId !== undefined && id === operationId) ||
          (enrollmentId !== undefined && op.enrollmentId === enrollmentId);
        if (!match) continue;
        if (op.enrollmentId === undefined) cancelledOperations.add(id);
        op.controller.abort();
        if (op.settled) stopping.push(op.settled);
      }
      // Let the key answer CANCEL before its connection closes (else the operation would end
      // as "removed"), but never wait on a key that doesn't answer.
      if (stopping.length > 0) {
        await Promise.race([
          Promise.all(stopping),
          new Promise((resolve) => setTimeout(resolve, CANCEL_GRACE_MS)),
        ]);
      }
      if (enrollmentId !== undefined) await enrollment.cancel(enrollmentId);
      return { ok: true as const };
    },
  };
}
