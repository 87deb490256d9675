/**
 * "Can't access your account?" and returning people's sign-in (docs/DESIGN.md §3.9) over
 * station.passwordReset; the kiosk sign-in goes through StationAccess (main/station/access.ts).
 */
import type { AdminRequestView, ResetView } from '../../preload/contract';
import type { AdminRequest, ResetView as StationResetView, Station } from '../station';
import type { StationAccess } from '../station/access';
import type { PasswordResetKeys } from '../station/passwordResetKeys';
import { registryId } from './convert';
import type { DomainHandlers } from './dispatch';
import { keyInteraction } from './security-key';

function toView(v: StationResetView): ResetView {
  return {
    resetId: v.resetId,
    purpose: v.purpose,
    outcome: v.outcome,
    required: v.required,
    verifiedCount: v.verifiedCount,
    complete: v.complete,
    methods: v.methods.map((m) => ({ ...m, methodId: String(m.methodId) })),
    questions: v.questions.map((q) => ({ id: q.id, text: { ...q.text } })),
    expiresAt: v.expiresAt,
  };
}

function toRequest(r: AdminRequest): AdminRequestView {
  return { ...r, id: String(r.id), personId: r.personId === null ? null : String(r.personId) };
}

export function passwordResetHandlers(
  station: Station,
  access: StationAccess,
  keys: PasswordResetKeys,
): DomainHandlers<'passwordReset'> {
  const reset = station.passwordReset;
  return {
    start: ({ upn, purpose }) => toView(reset.start(upn, purpose)),
    cancel: ({ resetId }) => {
      reset.cancel(resetId);
      return { ok: true };
    },
    sendCode: ({ resetId, methodId }) => reset.sendCode(resetId, registryId(methodId)),
    verifyCode: ({ resetId, methodId, code }) =>
      toView(reset.verifyCode(resetId, registryId(methodId), code)),
    verifyQuestions: async ({ resetId, answers }) =>
      toView(await reset.verifyQuestions(resetId, answers)),
    verifyKey: async ({ resetId, deviceId, pin, operationId }, ctx) =>
      toView(
        await keys.verifyKey(resetId, deviceId, pin, {
          interaction: keyInteraction(ctx, operationId, { touched: false }),
        }),
      ),
    setPassword: ({ resetId, password }) => reset.setPassword(resetId, password),
    signIn: ({ resetId }) => access.kioskSignInWithMethods(resetId),
    contactAdmin: ({ resetId }) => reset.contactAdmin(resetId),
    requests: ({ openOnly }) => reset.requests({ openOnly }).map(toRequest),
    handleRequest: ({ id }) => reset.handleRequest(registryId(id)).map(toRequest),
  };
}
