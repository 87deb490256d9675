/**
 * The method flows (SPEC §3.2–3.6) plug into the Security info page here. Each is a component
 * rendered inside a Dialog; it calls the contract itself and reports back with `onDone`.
 * A slot left null shows its button as "not available yet" (never a fake flow).
 *
 * To add the security key flow, for example: write `flows/security-key/SecurityKeyFlow.tsx`,
 * then set `addMethod.securityKey = SecurityKeyFlow` below.
 */
import type { ComponentType } from 'react';
import type { MethodKind, MethodSummary, PersonSummary } from '../../../preload/contract';
import { AuthenticatorAppFlow } from './authenticatorApp/AuthenticatorAppFlow';
import { EmailFlow } from './email/EmailFlow';
import { OathTokenFlow } from './oathToken/OathTokenFlow';
import { makePhoneFlow } from './phone/PhoneFlow';
import { SecurityQuestionsFlow } from './securityQuestions/SecurityQuestionsFlow';

export interface FlowProps {
  person: PersonSummary;
  /** `changed`: the registry changed and the page reloads. */
  onDone(changed: boolean): void;
}

export interface MethodFlowProps extends FlowProps {
  method: MethodSummary;
}

export interface SecurityInfoFlows {
  /** "+ Add method": one flow per method kind; the kinds offered are the policy's allowed ones. */
  addMethod: Partial<Record<MethodKind, ComponentType<FlowProps>>>;
  /** "Default sign-in method: … Change". */
  changeDefault: ComponentType<FlowProps & { methods: MethodSummary[] }> | null;
  /** "Delete" on a method row (SPEC §1: always confirms, says it cannot be undone). */
  deleteMethod: ComponentType<MethodFlowProps> | null;
}

export const securityInfoFlows: SecurityInfoFlows = {
  addMethod: {
    authenticatorApp: AuthenticatorAppFlow,
    hardwareToken: OathTokenFlow,
    phoneSms: makePhoneFlow('phoneSms'),
    phoneCall: makePhoneFlow('phoneCall'),
    email: EmailFlow,
    securityQuestions: SecurityQuestionsFlow,
  },
  changeDefault: null,
  deleteMethod: null,
};
