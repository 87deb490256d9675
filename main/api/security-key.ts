/**
 * The security key flow's contract entries (DESIGN.md §3.3) over the station's SecurityKeyFlow
 * (main/station/securityKeyFlow.ts), which runs every call that talks to the key as an operation
 * `cancel` can stop. While the key waits for presence the caller's renderer gets
 * `key.keepalive` events (UPNEEDED → "Touch your security key").
 */
import type { KeyInteraction } from '../station';
import type { SecurityKeyFlow } from '../station/securityKeyFlow';
import { registryId, toContractMethod } from './convert';
import type { CallContext, DomainHandlers } from './dispatch';

/** The key's events for the renderer that asked: keepalives, and "touched" as progress. */
export function keyInteraction(
  ctx: CallContext,
  operationId: string,
  opts: { touched?: boolean } = {},
): KeyInteraction {
  return {
    onEvent(e) {
      if (e.type === 'touched') {
        if (opts.touched !== false)
          ctx.emit('operation.progress', { operationId, step: 'touched' });
        return;
      }
      ctx.emit('key.keepalive', {
        operationId,
        status: e.type === 'touch' ? 'touchNeeded' : 'processing',
      });
    },
  };
}

const ok = { ok: true as const };

export function securityKeyHandlers(flow: SecurityKeyFlow): DomainHandlers<'securityKey'> {
  return {
    devices: () => ({ devices: flow.keys() }),

    async begin({ personId, deviceId, operationId }) {
      const info = await flow.begin(registryId(personId), deviceId, operationId);
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
        maxNameLength: info.maxNameLength,
      };
    },

    async setPin({ enrollmentId, pin, confirmation }) {
      await flow.setPin(enrollmentId, pin, confirmation);
      return ok;
    },

    async verifyPin({ enrollmentId, pin }) {
      await flow.verifyPin(enrollmentId, pin);
      return ok;
    },

    async changePin({ enrollmentId, currentPin, newPin, confirmation }) {
      await flow.changePin(enrollmentId, currentPin, newPin, confirmation);
      return ok;
    },

    async register({ enrollmentId, operationId }, ctx) {
      const r = await flow.register(enrollmentId, operationId, keyInteraction(ctx, operationId));
      return { model: r.model, attestationFormat: r.attestationFormat };
    },

    async complete({ enrollmentId, operationId, name }, ctx) {
      return toContractMethod(
        await flow.complete(enrollmentId, operationId, name, keyInteraction(ctx, operationId)),
      );
    },

    newChallenge: ({ enrollmentId }) => flow.newChallenge(enrollmentId),

    async cancel({ enrollmentId, operationId }) {
      await flow.cancel({ enrollmentId, operationId });
      return ok;
    },
  };
}
