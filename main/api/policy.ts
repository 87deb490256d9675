/** The policy editor's two calls; the station validates again with its own PolicySchema. */
import type { EditablePolicy } from '../../preload/contract';
import type { Station } from '../station';
import type { DomainHandlers } from './dispatch';

function editable(station: Station): EditablePolicy {
  const p = station.policy.get();
  return {
    organizationName: p.organizationName,
    allowedMethods: [...p.allowedMethods],
    registration: {
      requiredCount: p.registration.requiredCount,
      requiredKinds: [...p.registration.requiredKinds],
    },
    sspr: {
      enabled: p.sspr.enabled,
      requiredMethods: p.sspr.requiredMethods,
      forceChangeAtNextSignIn: p.sspr.forceChangeAtNextSignIn,
      helpdeskEmail: p.sspr.helpdeskEmail,
    },
    signIn: { returning: p.signIn.returning },
    securityKey: {
      rpId: p.securityKey.rpId,
      rpName: p.securityKey.rpName,
      allowedAaguids: [...p.securityKey.allowedAaguids],
      attestationRequired: p.securityKey.attestationRequired,
      userVerificationRequired: p.securityKey.userVerificationRequired,
      residentKeyRequired: p.securityKey.residentKeyRequired,
    },
    pin: {
      minLength: p.pin.minLength,
      rejectTrivial: p.pin.rejectTrivial,
      forceChangeWhenOperatorSet: p.pin.forceChangeWhenOperatorSet,
    },
    totp: { ...p.totp },
    questions: { requiredCount: p.questions.requiredCount },
    kiosk: { idleTimeoutSeconds: p.kiosk.idleTimeoutSeconds },
  };
}

export function policyHandlers(station: Station): DomainHandlers<'policy'> {
  return {
    get() {
      return editable(station);
    },
    update({ policy }) {
      const current = station.policy.get();
      station.policy.update({
        ...current,
        ...policy,
        securityKey: { ...current.securityKey, ...policy.securityKey },
        pin: { ...current.pin, ...policy.pin },
        sspr: { ...current.sspr, ...policy.sspr },
        signIn: policy.signIn ?? current.signIn,
      });
      return editable(station);
    },
  };
}
