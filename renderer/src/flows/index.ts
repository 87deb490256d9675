/**
 * The flow registry: every method flow (DESIGN.md §3.3–3.6) plugs in here with one line. A flow is a
 * component that calls the contract itself and reports back with `onDone`. The same component
 * runs in two places: inside a Dialog on the Security info page ("+ Add method") and inline as
 * one page of the "Keep your account secure" wizard (pages/WizardPage.tsx, `inWizard`). A kind
 * without an entry is not offered (never a fake flow).
 *
 * Closing the dialog or leaving the wizard page unmounts the flow: a flow cancels whatever it
 * started in its unmount cleanup (the security key flow aborts the key operation).
 */
import type { ComponentType } from 'react';
import type { MethodKind, MethodSummary, PersonSummary } from '../../../preload/contract';
import { AuthenticatorAppFlow } from './authenticatorApp/AuthenticatorAppFlow';
import { EmailFlow } from './email/EmailFlow';
import { OathTokenFlow } from './oathToken/OathTokenFlow';
import { makePhoneFlow } from './phone/PhoneFlow';
import { SecurityKeyFlow } from './securityKey/SecurityKeyFlow';
import { SecurityQuestionsFlow } from './securityQuestions/SecurityQuestionsFlow';

export interface FlowProps {
  person: PersonSummary;
  /** `changed`: the registry changed and the page reloads (the wizard moves on). */
  onDone(changed: boolean): void;
  /**
   * Rendered as a wizard page rather than in a dialog: the page above already names the
   * method, and e.g. the app flow offers "I want to use a different authenticator app".
   */
  inWizard?: boolean;
}

export interface MethodFlowProps extends FlowProps {
  method: MethodSummary;
}

export interface SecurityInfoFlows {
  /** "+ Add method" and the wizard: one flow per method kind (offered only if policy allows). */
  addMethod: Partial<Record<MethodKind, ComponentType<FlowProps>>>;
}

export const securityInfoFlows: SecurityInfoFlows = {
  addMethod: {
    securityKey: SecurityKeyFlow,
    authenticatorApp: AuthenticatorAppFlow,
    hardwareToken: OathTokenFlow,
    phoneSms: makePhoneFlow('phoneSms'),
    phoneCall: makePhoneFlow('phoneCall'),
    email: EmailFlow,
    securityQuestions: SecurityQuestionsFlow,
  },
};
