/**
 * Calls contract entries on a composed station host the way a renderer does (browser host),
 * for tests that go through the real dispatcher and authorisation guard.
 */
import type { StationHost } from '../../../main/api/station-host';
import { channelOf, type Result } from '../../../preload/contract';

export interface ContractCaller {
  /** `call('roster.list', {...})` → the raw result. */
  call(entry: string, args: object): Promise<Result<unknown>>;
  /** The value of a call that must succeed; throws with the error code otherwise. */
  value<T>(entry: string, args: object): Promise<T>;
  /** The error code of a call, or null when it succeeded. */
  code(entry: string, args: object): Promise<string | null>;
}

/** `host` is read at call time, so a test may reopen its host in beforeEach. */
export function contractCaller(host: () => StationHost): ContractCaller {
  const call = (entry: string, args: object): Promise<Result<unknown>> => {
    const [domain, name] = entry.split('.');
    return host().dispatch(channelOf(domain, name), args, { host: 'browser', emit: () => {} });
  };
  return {
    call,
    async value<T>(entry: string, args: object): Promise<T> {
      const r = await call(entry, args);
      if (!r.ok) throw new Error(`${entry}: ${r.error.code}`);
      return r.value as T;
    },
    async code(entry: string, args: object): Promise<string | null> {
      const r = await call(entry, args);
      return r.ok ? null : r.error.code;
    },
  };
}

/** The password every host-level test gives its first operator. */
export const OPERATOR_PASSWORD = 'a-long-operator-password';

/**
 * `operator.setup` arguments for a station's first operator in `mode` (signed in afterwards):
 * organization "Org", one required method, no security key required, 60 s kiosk idle.
 */
export function firstRunSetup(
  mode: 'demo' | 'production',
  who: { username?: string; displayName?: string; rpId?: string } = {},
) {
  return {
    username: who.username ?? 'op.one',
    displayName: who.displayName ?? 'Op One',
    password: OPERATOR_PASSWORD,
    mode,
    organizationName: 'Org',
    rpId: who.rpId ?? 'login.example.org',
    rpName: 'Org',
    requiredCount: 1,
    requireSecurityKey: false,
    kioskIdleSeconds: 60,
  };
}
