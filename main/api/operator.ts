/**
 * Operator sign-in, first run and the station's access state (SPEC §3.7).
 *
 * `StationAccess` is the one place that knows who the station serves now: it reads the
 * station's Session (the audit "who"), the first-run flag and kiosk mode from the settings
 * store, and keeps the server-side idle clock that signs a forgotten session out.
 */
import { getCredential, createCredential, openAuthenticator } from '../../native/index';
import type { Ctap2 } from '../../native/index';
import type { AccessStatus, OperatorIdentity, OperatorKeyStatus } from '../../preload/contract';
import { StationError, type Station } from '../station';
import { keyErrorToStation } from '../station/methods/securityKey';
import type { AccessView, SessionRole } from './authorization';
import type { CallContext, DomainHandlers } from './dispatch';
import type { SettingsStore } from './settings';
import { isDemoOperator, lockedToFirstRun } from './station-mode';

/** The slice of main/api/security-key-devices.ts KeyDevices the operator key needs. */
export interface OperatorKeySource {
  list(): { deviceId: string; virtual: boolean }[];
  target(deviceId: string): import('../../native/index').DeviceTarget;
  /** The station mode may have changed (first run): a production station drops virtual keys. */
  modeChanged?(): void;
}

export interface AccessOptions {
  clock?: () => number;
  /** Tests and demos: overrides the policy's kiosk idle timeout (seconds, 2–3600). */
  kioskIdleSeconds?: number;
  operatorIdleSeconds?: number;
  /** A kiosk person's session ended (the desktop app rotates its kiosk window). */
  onPersonSessionEnded?: (reason: 'done' | 'idle' | 'cancel' | 'expired') => void;
}

function envSeconds(name: string, min: number, max: number): number | undefined {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v >= min && v <= max ? v : undefined;
}

export class StationAccess implements AccessView {
  private lastActivity: number;
  private readonly clock: () => number;
  private readonly kioskOverride: number | undefined;
  private readonly operatorIdle: number;
  private readonly onPersonSessionEnded: AccessOptions['onPersonSessionEnded'];

  constructor(
    readonly station: Station,
    readonly settings: SettingsStore,
    options: AccessOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.lastActivity = this.clock();
    this.onPersonSessionEnded = options.onPersonSessionEnded;
    this.kioskOverride =
      options.kioskIdleSeconds ?? envSeconds('KEYSTATION_KIOSK_IDLE_SECONDS', 2, 3600);
    this.operatorIdle =
      options.operatorIdleSeconds ??
      envSeconds('KEYSTATION_OPERATOR_IDLE_SECONDS', 2, 24 * 3600) ??
      15 * 60;
  }

  firstRunComplete(): boolean {
    return this.settings.get().firstRunComplete;
  }

  kiosk(): boolean {
    return this.firstRunComplete() && this.settings.get().kiosk;
  }

  /** Live: the mode chosen at first run applies at once (main/api/station-mode.ts). */
  mode(): 'demo' | 'production' {
    return this.station.mode;
  }

  lockedToFirstRun(): boolean {
    return lockedToFirstRun(this.firstRunComplete(), this.mode());
  }

  role(): SessionRole {
    if (!this.firstRunComplete()) return 'open';
    const kind = this.station.session.actor.kind;
    return kind === 'operator' ? 'operator' : kind === 'person' ? 'person' : 'nobody';
  }

  personId(): string | null {
    const a = this.station.session.actor;
    return a.kind === 'person' ? a.id : null;
  }

  kioskIdleSeconds(): number {
    return this.kioskOverride ?? this.station.policy.get().kiosk.idleTimeoutSeconds;
  }

  operatorIdleSeconds(): number {
    return this.operatorIdle;
  }

  /** The renderer warns this long before it signs the person out. */
  kioskWarningSeconds(): number {
    return Math.max(1, Math.min(30, Math.floor(this.kioskIdleSeconds() / 3)));
  }

  /**
   * Called by the dispatcher before every call: a session idle past its timeout (plus the
   * warning as grace, the renderer normally ends it first) is cleared on the server.
   */
  expireIfIdle(): void {
    const actor = this.station.session.actor;
    if (actor.kind === 'system') return;
    const idle =
      actor.kind === 'person'
        ? this.kioskIdleSeconds() + this.kioskWarningSeconds()
        : this.operatorIdle + 30;
    if (this.clock() - this.lastActivity > idle * 1000) {
      this.station.session.clear();
      if (actor.kind === 'person') this.personSessionEnded('expired');
    }
  }

  /** Ends a kiosk person's session (if one is open) and tells the host. */
  endPersonSession(reason: 'done' | 'idle' | 'cancel'): void {
    if (this.station.session.actor.kind !== 'person') return;
    this.station.auth.signOut();
    this.personSessionEnded(reason);
  }

  private personSessionEnded(reason: 'done' | 'idle' | 'cancel' | 'expired'): void {
    try {
      this.onPersonSessionEnded?.(reason);
    } catch {
      // The host's window rotation must never keep the session from ending.
    }
  }

  touch(): void {
    this.lastActivity = this.clock();
  }

  status(): AccessStatus {
    const actor = this.station.session.actor;
    let operator: OperatorIdentity | null = null;
    let person: AccessStatus['person'] = null;
    if (actor.kind === 'operator') {
      const op = this.station.operators.find(Number(actor.id));
      if (op) operator = toIdentity(op);
    } else if (actor.kind === 'person') {
      const p = this.station.people.find(Number(actor.id));
      if (p) person = { id: String(p.id), upn: p.upn, displayName: p.displayName };
    }
    return {
      firstRunComplete: this.firstRunComplete(),
      mode: this.mode(),
      role: this.role(),
      operator,
      person,
      kiosk: this.kiosk(),
      operatorIdleSeconds: this.operatorIdle,
      kioskIdleSeconds: this.kioskIdleSeconds(),
      kioskWarningSeconds: this.kioskWarningSeconds(),
    };
  }
}

export function toIdentity(op: {
  id: number;
  username: string;
  displayName: string;
  role: 'operator' | 'admin';
  securityKeys: number;
  hasPassword: boolean;
}): OperatorIdentity {
  return {
    id: String(op.id),
    username: op.username,
    displayName: op.displayName,
    role: op.role,
    securityKeys: op.securityKeys,
    hasPassword: op.hasPassword,
  };
}

/** The first key plugged in; a production station refuses the virtual key (SPEC §4). */
async function openOperatorKey(
  keys: OperatorKeySource | undefined,
  access: StationAccess,
): Promise<Ctap2> {
  const device = keys?.list()[0];
  if (!keys || !device) throw new StationError('securityKey.notFound');
  if (device.virtual && access.mode() === 'production') {
    throw new StationError('securityKey.virtualKeyRefused');
  }
  try {
    return await openAuthenticator(keys.target(device.deviceId));
  } catch (e) {
    throw keyErrorToStation(e);
  }
}

function keepalive(ctx: CallContext, operationId: string) {
  return (status: 'processing' | 'up-needed') => {
    ctx.emit('key.keepalive', {
      operationId,
      status: status === 'up-needed' ? 'touchNeeded' : 'processing',
    });
  };
}

/**
 * Runs the operator's WebAuthn assertion on the key and verifies it (C's OperatorService);
 * on success the station session is that operator.
 */
export async function signInOperatorWithKey(
  station: Station,
  keys: OperatorKeySource | undefined,
  access: StationAccess,
  username: string | undefined,
  pin: string,
  ctx: CallContext,
): Promise<void> {
  const begin = station.auth.beginOperatorKeySignIn(username?.trim() || undefined);
  const ctap = await openOperatorKey(keys, access);
  let response;
  try {
    response = await getCredential(
      ctap,
      { ...begin.options },
      {
        origin: begin.origin,
        pin,
        onKeepalive: keepalive(ctx, 'operator-sign-in'),
        // Without a username the key may hold people's credentials for the same RP too:
        // take the operator's (user handle "operator:<id>", OperatorService).
        select: (found) =>
          found.find((a) =>
            Buffer.from(a.user?.id ?? new Uint8Array())
              .toString()
              .startsWith('operator:'),
          ) ?? found[0],
      },
    );
  } catch (e) {
    throw keyErrorToStation(e);
  } finally {
    await ctap.close().catch(() => undefined);
  }
  await station.auth.completeOperatorKeySignIn(begin.challengeId, response);
}

/**
 * The demo operator's password is public (main/station/demoSeed.ts): on a production station
 * it is answered like any wrong password, so it tells nothing about the account.
 */
export function refuseDemoOperator(access: StationAccess, username: string): void {
  if (access.mode() === 'production' && isDemoOperator(username)) {
    throw new StationError('operator.invalidCredentials');
  }
}

export function operatorHandlers(
  station: Station,
  access: StationAccess,
  keys: OperatorKeySource | undefined,
): DomainHandlers<'operator'> {
  return {
    status() {
      return access.status();
    },

    setup(input) {
      if (access.firstRunComplete()) throw new StationError('session.forbidden');
      // First run is the station itself acting (audit actor "system"), then the new admin.
      station.session.clear();
      const current = station.policy.get();
      const requiredKinds = input.requireSecurityKey ? (['securityKey'] as const) : [];
      station.policy.update({
        ...current,
        organizationName: input.organizationName,
        registration: {
          requiredCount: Math.max(input.requiredCount, requiredKinds.length),
          requiredKinds: [...requiredKinds],
        },
        securityKey: { ...current.securityKey, rpId: input.rpId, rpName: input.rpName },
        totp: { ...current.totp, issuer: input.organizationName },
        kiosk: { idleTimeoutSeconds: input.kioskIdleSeconds },
      });
      const op = station.operators.create({
        username: input.username,
        displayName: input.displayName,
        role: 'admin',
        password: input.password,
      });
      access.settings.update({ stationMode: input.mode, firstRunComplete: true, kiosk: false });
      // The chosen mode applies now, not after a restart: a production station's virtual keys go.
      keys?.modeChanged?.();
      station.auth.signInOperator(op.username, input.password);
      access.touch();
      return access.status();
    },

    signInWithPassword({ username, password }) {
      if (access.kiosk()) throw new StationError('session.forbidden');
      refuseDemoOperator(access, username);
      station.auth.signInOperator(username, password);
      access.touch();
      return access.status();
    },

    async signInWithKey({ username, pin }, ctx) {
      if (access.kiosk()) throw new StationError('session.forbidden');
      await signInOperatorWithKey(station, keys, access, username, pin, ctx);
      access.touch();
      return access.status();
    },

    async keyStatus() {
      const device = keys?.list()[0];
      if (!keys || !device) {
        return { present: false, virtual: false, model: null, pinSet: null, refused: false };
      }
      const refused = device.virtual && access.mode() === 'production';
      let pinSet: boolean | null = null;
      if (!refused) {
        try {
          const ctap = await openAuthenticator(keys.target(device.deviceId));
          pinSet = ctap.info.options.clientPin === true;
          await ctap.close().catch(() => undefined);
        } catch {
          pinSet = null;
        }
      }
      const status: OperatorKeyStatus = {
        present: true,
        virtual: device.virtual,
        model: null,
        pinSet,
        refused,
      };
      return status;
    },

    async registerKey({ pin, name }, ctx) {
      const actor = station.session.assertOperator();
      const operatorId = Number(actor.id);
      const begin = station.operators.beginKeyRegistration(operatorId);
      const ctap = await openOperatorKey(keys, access);
      let response;
      try {
        if (ctap.info.options.clientPin !== true) await ctap.clientPin.setPin(pin);
        response = await createCredential(ctap, begin.options, {
          origin: begin.origin,
          pin,
          onKeepalive: keepalive(ctx, 'operator-key-registration'),
        });
      } catch (e) {
        throw keyErrorToStation(e);
      } finally {
        await ctap.close().catch(() => undefined);
      }
      const op = await station.operators.completeKeyRegistration(begin.challengeId, response, name);
      access.touch();
      return toIdentity(op);
    },

    signOut() {
      station.auth.signOut();
      return access.status();
    },
  };
}
