/**
 * The one typed contract between the renderer and the main process.
 *
 * Every call the renderer can make is an entry `contract.<domain>.<name>`: a zod schema for
 * its one argument object and its result type. Every event main pushes is in `contractEvents`.
 * Each domain lives in its own module under ./contract/ — add a domain by writing
 * `./contract/<domain>.ts` and adding one line to each object below; main/api/<domain>.ts
 * implements it (the type checker insists on every entry having a handler).
 *
 * Both hosts use this file: the Electron preload exposes one named function per entry
 * (`window.keystation.<domain>.<name>`), the browser host answers the same entries over a
 * WebSocket. main validates every argument with the schema before a handler sees it.
 */
import type { z } from 'zod';
import type { Call, ContractError, EventDef, Result } from './contract/define';
import { enrollmentCalls } from './contract/enrollment';
import { keyEvents, operationEvents } from './contract/events';
import { methodsCalls } from './contract/methods';
import { peopleCalls } from './contract/people';
import { securityInfoCalls } from './contract/security-info';
import { securityKeyCalls } from './contract/security-key';
import { settingsCalls } from './contract/settings';
import { stationCalls } from './contract/station';
import { operatorCalls } from './contract/operator';
import { kioskCalls, kioskEvents } from './contract/kiosk';
import { rosterCalls } from './contract/roster';
import { passesCalls } from './contract/passes';
import { policyCalls } from './contract/policy';
import { auditCalls } from './contract/audit';
import { virtualKeyCalls, virtualKeyEvents } from './contract/virtual-key';
import { keyManagerCalls } from './contract/key-manager';
import { passwordResetCalls } from './contract/password-reset';
import { identityProviderCalls } from './contract/identity-provider';
import { provisioningCalls, provisioningEvents } from './contract/provisioning';
import { channelOf, type DomainName } from './contract/wire';
import type { DomainCalls } from './contract/define';

export const contract = {
  station: stationCalls,
  settings: settingsCalls,
  people: peopleCalls,
  securityInfo: securityInfoCalls,
  operator: operatorCalls,
  kiosk: kioskCalls,
  roster: rosterCalls,
  passes: passesCalls,
  policy: policyCalls,
  audit: auditCalls,
  methods: methodsCalls,
  securityKey: securityKeyCalls,
  virtualKey: virtualKeyCalls,
  keyManager: keyManagerCalls,
  passwordReset: passwordResetCalls,
  provisioning: provisioningCalls,
  enrollment: enrollmentCalls,
  identityProvider: identityProviderCalls,
} satisfies Record<DomainName, DomainCalls>;

export const contractEvents = {
  ...keyEvents,
  ...operationEvents,
  ...kioskEvents,
  ...virtualKeyEvents,
  ...provisioningEvents,
};

export type Contract = typeof contract;
export type Domain = keyof Contract;
export type EventName = keyof typeof contractEvents;
export type EventPayload<E extends EventName> =
  (typeof contractEvents)[E] extends EventDef<infer P> ? P : never;

type CallArgsIn<C> = C extends Call<infer A, unknown> ? z.input<A> : never;
type CallArgsOut<C> = C extends Call<infer A, unknown> ? z.output<A> : never;
type CallResult<C> = C extends Call<z.ZodType, infer R> ? R : never;

export type ArgsIn<D extends Domain, M extends keyof Contract[D]> = CallArgsIn<Contract[D][M]>;
export type ArgsOut<D extends Domain, M extends keyof Contract[D]> = CallArgsOut<Contract[D][M]>;
export type ResultValue<D extends Domain, M extends keyof Contract[D]> = CallResult<Contract[D][M]>;

/** What the renderer holds: `api.people.search({ query })` → `Promise<Result<RosterPage>>`. */
export type KeystationCalls = {
  [D in Domain]: {
    [M in keyof Contract[D]]: (
      args: CallArgsIn<Contract[D][M]>,
    ) => Promise<Result<CallResult<Contract[D][M]>>>;
  };
};

export type EventListener<E extends EventName> = (payload: EventPayload<E>) => void;

export interface KeystationEvents {
  /** Subscribe to one event; returns the unsubscribe function. */
  subscribe<E extends EventName>(name: E, listener: EventListener<E>): () => void;
}

export type KeystationApi = KeystationCalls & { events: KeystationEvents };

export { channelOf, domains, EVENT_CHANNEL } from './contract/wire';

export interface ChannelEntry {
  domain: Domain;
  name: string;
  channel: string;
  args: z.ZodType;
}

/** Every entry of the contract, flat, in a stable order. */
export function listChannels(): ChannelEntry[] {
  const out: ChannelEntry[] = [];
  for (const domain of Object.keys(contract) as Domain[]) {
    const calls = contract[domain] as Record<string, Call<z.ZodType, unknown>>;
    for (const name of Object.keys(calls)) {
      out.push({ domain, name, channel: channelOf(domain, name), args: calls[name].args });
    }
  }
  return out;
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contractEvents, name);
}

export type { Result, ContractError };
export type { ErrorKind, ErrorParams } from './contract/define';
export type { StationInfo, StationMode } from './contract/station';
export type { UiSettings, Language, Theme } from './contract/settings';
export { languages, themes } from './contract/settings';
export type { PersonSummary, PersonStatus, RosterPage } from './contract/people';
export type {
  MethodKind,
  MethodSummary,
  RegistrationStatus,
  SecurityInfo,
} from './contract/security-info';
export { methodKinds } from './contract/security-info';
export type {
  AppStoreLink,
  AuthenticatorAppSetup,
  ContactOptions,
  Delivery,
  DemoMessage,
  EmailVerification,
  OathTokenChoice,
  PhoneVerification,
  QuestionBankView,
  SecurityQuestionChoice,
} from './contract/enrollment';
export type { KeyPresence, KeyKeepalive, OperationProgress } from './contract/events';
export type * from './contract/operator';
export type * from './contract/roster';
export type * from './contract/passes';
export type * from './contract/audit';
export type { EditablePolicy, PolicyIssue } from './contract/policy';
export type { RegistrationPlan } from './contract/methods';
export type { KeyDevice, SecurityKeyStart } from './contract/security-key';
export type { VirtualKeyStatus, VirtualTouchMode } from './contract/virtual-key';
export type * from './contract/key-manager';
export type {
  ResetView,
  ResetOutcome,
  ResetMethodOption,
  AdminRequestView,
} from './contract/password-reset';
export type {
  IdpConnection,
  IdpConnectionCheck,
  IdpPullResult,
  IdpSummary,
  IdpSyncResult,
  MethodSyncState,
  OutboxItem,
  OutboxOverview,
  OutboxState,
  PersonProviderLink,
  ProviderMethod,
  ProviderMethodType,
} from './contract/identity-provider';
export type * from './contract/provisioning';
