/**
 * Who may call which contract entry (DESIGN.md §3.7–3.8), checked in the dispatcher after the
 * arguments are validated and before any handler runs. The station has one session at a time
 * (main/station Session: the physical station serves one operator or one kiosk person):
 *
 *   open      first run not done on a demo station (`--demo`): an open demo, every entry is
 *             allowed. A production station before its first run is locked to the first-run
 *             page instead: only FIRST_RUN_ENTRIES (setup, station info, UI settings).
 *   nobody    only the public entries (station info, UI settings, sign-in, kiosk welcome)
 *   operator  every entry (kiosk mode has no operator session: unlock ends kiosk mode)
 *   person    a kiosk person: their own security info and enrollment flows only — never the
 *             roster, passes, policy, audit, identity-provider or operator entries (except
 *             OWN_RECORD_ENTRIES), and an entry that names a `personId` must name them
 *
 * Deny by default: an entry added later (another domain) is refused to nobody, and allowed to
 * a kiosk person only for their own record. Sessions also expire on the server after the idle
 * timeout (plus a grace for the renderer's own warning), so a renderer that never calls
 * `kiosk.finish` still cannot leave the previous person's data reachable.
 */
import type { ContractError } from '../../preload/contract';
import type { SessionRole } from '../station/access';

export type { SessionRole } from '../station/access';

export interface AccessView {
  role(): SessionRole;
  kiosk(): boolean;
  /** The kiosk person's registry id as a contract string. */
  personId(): string | null;
  /** A production station whose first run is not done yet (main/station/stationMode.ts). */
  lockedToFirstRun(): boolean;
}

/** All a production station answers before its first run: the first-run page's needs. */
export const FIRST_RUN_ENTRIES: ReadonlySet<string> = new Set([
  'station.info',
  'settings.get',
  'settings.update',
  'operator.status',
  'operator.setup',
]);

/** Reachable with no one signed in. `domain.*` covers a whole domain. */
export const PUBLIC_ENTRIES: ReadonlySet<string> = new Set([
  'station.info',
  'settings.get',
  'settings.update',
  'operator.status',
  'operator.signInWithPassword',
  'operator.signInWithKey',
  'operator.keyStatus',
  'operator.signOut',
  'kiosk.signIn',
  'kiosk.finish',
  'kiosk.unlockWithPassword',
  'kiosk.unlockWithKey',
  // The demo's simulated key is a physical device stand-in ("touch"), refused in production.
  'virtualKey.*',
  'securityKey.devices',
  // "Can't access your account?" and returning people's sign-in (DESIGN.md §3.9): the station
  // owns their limits; the operators' request list stays staff-only.
  'passwordReset.start',
  'passwordReset.cancel',
  'passwordReset.sendCode',
  'passwordReset.verifyCode',
  'passwordReset.verifyQuestions',
  'passwordReset.verifyKey',
  'passwordReset.setPassword',
  'passwordReset.signIn',
  'passwordReset.contactAdmin',
]);

/** Staff-only domains: a kiosk person never reaches them (DESIGN.md §3.8). */
export const OPERATOR_DOMAINS: ReadonlySet<string> = new Set([
  'people',
  'roster',
  'passes',
  'policy',
  'audit',
  'operator',
  'kiosk',
  'keyManager',
  'identityProvider',
  'provisioning',
]);

/**
 * Entries of operator domains a kiosk person may call for their own record only (the personId
 * check below applies): their methods at the identity provider, and deleting one of them.
 */
const OWN_RECORD_ENTRIES: ReadonlySet<string> = new Set([
  'identityProvider.person',
  'identityProvider.refreshPerson',
  'identityProvider.deleteProviderMethod',
]);

/**
 * Operator-domain entries a kiosk person still needs: keep their session alive, and let staff
 * confirm their own pending phone or email on the same screen (the operator's password or key
 * is checked inside; the enrollment must be the person's own).
 */
const PERSON_ENTRIES: ReadonlySet<string> = new Set([
  'kiosk.stillHere',
  'kiosk.confirmContactWithPassword',
  'kiosk.confirmContactWithKey',
]);

export function isPublicEntry(domain: string, name: string): boolean {
  return PUBLIC_ENTRIES.has(`${domain}.${name}`) || PUBLIC_ENTRIES.has(`${domain}.*`);
}

function denied(code: string): ContractError {
  return { kind: 'station', code };
}

/** null: allowed; otherwise the typed refusal the renderer translates. */
export function authorize(
  domain: string,
  name: string,
  args: unknown,
  access: AccessView,
): ContractError | null {
  const entry = `${domain}.${name}`;
  if (access.lockedToFirstRun()) {
    return FIRST_RUN_ENTRIES.has(entry) ? null : denied('session.firstRunRequired');
  }
  const role = access.role();
  if (role === 'open') return null;
  if (isPublicEntry(domain, name)) return null;
  switch (role) {
    case 'operator':
      // Entering kiosk mode signs the operator out; an operator session during kiosk mode
      // can only be a stale one.
      return access.kiosk() ? denied('session.signInRequired') : null;
    case 'person': {
      if (!access.kiosk()) return denied('session.signInRequired');
      if (PERSON_ENTRIES.has(entry)) return null;
      if (OPERATOR_DOMAINS.has(domain) && !OWN_RECORD_ENTRIES.has(entry))
        return denied('session.operatorRequired');
      const personId =
        typeof args === 'object' && args !== null
          ? (args as { personId?: unknown }).personId
          : undefined;
      if (personId !== undefined && personId !== access.personId()) {
        return denied('session.forbidden');
      }
      return null;
    }
    default:
      return denied('session.signInRequired');
  }
}
