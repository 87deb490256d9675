/**
 * Who the station serves now (DESIGN.md §3.7–3.8): first run, operator sign-in, kiosk mode and the
 * server-side idle clock that signs a forgotten session out.
 *
 * `StationAccess` is the one place that knows this: it reads the station's Session (the audit
 * "who"), the first-run flag and kiosk mode from the host's app settings (DESIGN.md §5: not registry
 * data), and owns every rule about moving between those states. The contract handlers
 * (main/api/operator.ts, main/api/kiosk.ts) call one method each.
 */
import type { StationMode } from './context';
import { StationError } from './errors';
import type { OperatorAccount } from './operators';
import type { MethodSummary } from './types';
import type { OperatorKeyCeremonies, KeyProgress } from './operatorKeys';
import { isDemoOperator, lockedToFirstRun, personVisible } from './stationMode';
import type { Station } from './index';

/** Who may call what (main/api/authorization.ts reads it before any handler). */
export type SessionRole = 'open' | 'nobody' | 'operator' | 'person';

/** The slice of the host's app settings the access rules read and write. */
export interface AccessSettings {
  readonly firstRunComplete: boolean;
  readonly kiosk: boolean;
  readonly stationMode: StationMode;
}

export interface AccessSettingsStore {
  get(): AccessSettings;
  update(patch: Partial<AccessSettings>): unknown;
}

export interface OperatorIdentity {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: 'operator' | 'admin';
  readonly securityKeys: number;
  readonly hasPassword: boolean;
}

export interface AccessStatus {
  readonly firstRunComplete: boolean;
  readonly mode: StationMode;
  readonly role: SessionRole;
  readonly operator: OperatorIdentity | null;
  readonly person: { id: string; upn: string; displayName: string } | null;
  readonly kiosk: boolean;
  readonly operatorIdleSeconds: number;
  readonly kioskIdleSeconds: number;
  readonly kioskWarningSeconds: number;
}

/** What the first-run page sends (already shape-checked by the contract). */
export interface FirstRunSetup {
  readonly username: string;
  readonly displayName: string;
  readonly password: string;
  readonly mode: StationMode;
  readonly organizationName: string;
  readonly rpId: string;
  readonly rpName: string;
  readonly requiredCount: number;
  readonly requireSecurityKey: boolean;
  readonly kioskIdleSeconds: number;
}

export type PersonSessionEnd = 'done' | 'idle' | 'cancel' | 'expired';

export interface AccessOptions {
  /** Milliseconds since the epoch; the host's clock (tests inject one). */
  clock?: () => number;
  /** Test and demo hosts: overrides the policy's kiosk idle timeout (seconds, 2–3600). */
  kioskIdleSeconds?: number;
  /** Operator idle timeout (seconds); default 15 minutes. */
  operatorIdleSeconds?: number;
  /** A kiosk person's session ended (the desktop app rotates its kiosk window). */
  onPersonSessionEnded?: (reason: PersonSessionEnd) => void;
  /** First run chose the station's mode: a production station drops its virtual keys. */
  onModeChanged?: () => void;
}

const DEFAULT_OPERATOR_IDLE_SECONDS = 15 * 60;

export function toIdentity(op: OperatorAccount): OperatorIdentity {
  return {
    id: String(op.id),
    username: op.username,
    displayName: op.displayName,
    role: op.role,
    securityKeys: op.securityKeys,
    hasPassword: op.hasPassword,
  };
}

export class StationAccess {
  private lastActivity: number;
  private readonly clock: () => number;
  private readonly kioskOverride: number | undefined;
  private readonly operatorIdle: number;
  private readonly options: AccessOptions;

  constructor(
    private readonly station: Station,
    private readonly settings: AccessSettingsStore,
    private readonly operatorKeys: OperatorKeyCeremonies | undefined,
    options: AccessOptions = {},
  ) {
    this.options = options;
    this.clock = options.clock ?? Date.now;
    this.lastActivity = this.clock();
    this.kioskOverride = options.kioskIdleSeconds;
    this.operatorIdle = options.operatorIdleSeconds ?? DEFAULT_OPERATOR_IDLE_SECONDS;
  }

  // ---- what the guard reads ---------------------------------------------------------------

  firstRunComplete(): boolean {
    return this.settings.get().firstRunComplete;
  }

  kiosk(): boolean {
    return this.firstRunComplete() && this.settings.get().kiosk;
  }

  /** Live: the mode chosen at first run applies at once (main/station/stationMode.ts). */
  mode(): StationMode {
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

  /** The kiosk person's registry id as a contract string. */
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
   * Called before every call: a session idle past its timeout (plus the warning as grace, the
   * renderer normally ends it first) is cleared on the server.
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

  touch(): void {
    this.lastActivity = this.clock();
  }

  /** A production station hides the demo organization's people, even by id. */
  hidesPerson(personId: number): boolean {
    if (this.mode() !== 'production') return false;
    const person = this.station.people.find(personId);
    return person !== undefined && !personVisible(this.mode(), person.upn);
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

  // ---- first run and operator sign-in -----------------------------------------------------

  /** First run: organization, policy and the first (admin) operator, who is then signed in. */
  setUp(input: FirstRunSetup): AccessStatus {
    if (this.firstRunComplete()) throw new StationError('session.forbidden');
    const station = this.station;
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
    this.settings.update({ stationMode: input.mode, firstRunComplete: true, kiosk: false });
    // The chosen mode applies now, not after a restart: a production station's virtual keys go.
    this.options.onModeChanged?.();
    station.auth.signInFirstAdmin(op);
    this.touch();
    return this.status();
  }

  /** `client` names the caller (browser address, desktop window) for the per-client backoff. */
  async signInWithPassword(
    username: string,
    password: string,
    client?: string,
  ): Promise<AccessStatus> {
    if (this.kiosk()) throw new StationError('session.forbidden');
    await this.passwordSignIn(username, password, client);
    this.touch();
    return this.status();
  }

  /**
   * Lifts another operator's password lockout; the signed-in operator must have signed in with
   * their own security key (main/station/operatorSignIn.ts).
   */
  liftOperatorLockout(username: string): AccessStatus {
    this.station.auth.liftLockout(username);
    this.touch();
    return this.status();
  }

  async signInWithKey(
    username: string | undefined,
    pin: string,
    progress?: KeyProgress,
  ): Promise<AccessStatus> {
    if (this.kiosk()) throw new StationError('session.forbidden');
    await this.keys().signIn(username, pin, progress);
    this.touch();
    return this.status();
  }

  /** Registers the plugged-in key for the signed-in operator (their idle clock restarts). */
  async registerOperatorKey(
    pin: string,
    name: string,
    progress?: KeyProgress,
  ): Promise<OperatorIdentity> {
    const op = await this.keys().register(pin, name, progress);
    this.touch();
    return toIdentity(op);
  }

  signOut(): AccessStatus {
    this.station.auth.signOut();
    return this.status();
  }

  // ---- kiosk ------------------------------------------------------------------------------

  /** Enters kiosk mode: recorded with the operator as actor, then the operator is signed out. */
  startKiosk(): AccessStatus {
    if (!this.firstRunComplete()) throw new StationError('session.operatorRequired');
    this.station.session.assertOperator();
    this.station.audit.append('settings.changed', null, { key: 'kiosk', value: true });
    this.settings.update({ kiosk: true });
    this.station.auth.signOut();
    return this.status();
  }

  /** A person signs in at the kiosk with UPN + temporary access pass. */
  async kioskSignIn(upn: string, pass: string): Promise<AccessStatus> {
    this.requireKiosk();
    // The demo people's pass is public: a production station answers as for a wrong pass, after
    // the same scrypt work as for an unknown UPN.
    const visible = personVisible(this.mode(), String(upn ?? '').trim());
    await this.station.auth.signInWithPass(visible ? upn : '', pass);
    this.touch();
    return this.status();
  }

  /**
   * A returning person verified with their own methods (main/station/passwordReset.ts) signs in
   * at the kiosk instead of with a pass.
   */
  kioskSignInWithMethods(resetId: string): AccessStatus {
    this.requireKiosk();
    this.station.passwordReset.signIn(resetId);
    this.touch();
    return this.status();
  }

  /** Whatever the reason, the person's session ends here; the renderer reloads itself. */
  finishKioskSession(reason: 'done' | 'idle' | 'cancel'): AccessStatus {
    if (this.station.session.actor.kind === 'person') {
      this.station.auth.signOut();
      this.personSessionEnded(reason);
    }
    return this.status();
  }

  /** "I'm still here": the kiosk person's idle clock starts again. */
  stillHere(): { idleSeconds: number } {
    this.touch();
    return { idleSeconds: this.kioskIdleSeconds() };
  }

  /** An operator's password ends kiosk mode (and signs them in). */
  async unlockKioskWithPassword(
    username: string,
    password: string,
    client?: string,
  ): Promise<AccessStatus> {
    this.requireKiosk();
    await this.passwordSignIn(username, password, client);
    return this.leaveKiosk();
  }

  /** An operator's own security key ends kiosk mode (and signs them in). */
  async unlockKioskWithKey(
    username: string | undefined,
    pin: string,
    progress?: KeyProgress,
  ): Promise<AccessStatus> {
    this.requireKiosk();
    await this.keys().signIn(username, pin, progress);
    return this.leaveKiosk();
  }

  /**
   * Staff confirm a kiosk person's pending phone or email on the same screen: the operator's
   * password or own key is checked on the spot (as at sign-in, with its backoff and lockout),
   * the method is stored as verified in person by that operator, and kiosk mode and the
   * person's session both stay — the person can go on and finish.
   */
  async confirmContactAtKiosk(
    enrollmentId: string,
    method: 'phone' | 'email',
    operator:
      | { kind: 'password'; username: string; password: string; client?: string }
      | { kind: 'key'; username?: string; pin: string; progress?: KeyProgress },
  ): Promise<MethodSummary> {
    this.requireKiosk();
    if (this.station.session.actor.kind !== 'person') {
      throw new StationError('session.forbidden');
    }
    let op: OperatorAccount;
    if (operator.kind === 'password') {
      if (this.mode() === 'production' && isDemoOperator(operator.username)) {
        throw new StationError('operator.invalidCredentials');
      }
      op = await this.station.auth.confirmOperatorPassword(
        operator.username,
        operator.password,
        operator.client,
      );
    } else {
      op = await this.keys().confirm(operator.username, operator.pin, operator.progress);
    }
    const by = { id: op.id, username: op.username };
    const summary =
      method === 'phone'
        ? this.station.enroll.phone.confirmByOperator(enrollmentId, by)
        : this.station.enroll.email.confirmByOperator(enrollmentId, by);
    this.touch();
    return summary;
  }

  // ---- internals --------------------------------------------------------------------------

  private keys(): OperatorKeyCeremonies {
    if (!this.operatorKeys) throw new StationError('securityKey.notFound');
    return this.operatorKeys;
  }

  /**
   * The demo operator's password is public (main/station/demoSeed.ts): on a production station
   * it is answered like any wrong password, so it tells nothing about the account.
   */
  private async passwordSignIn(username: string, password: string, client?: string): Promise<void> {
    if (this.mode() === 'production' && isDemoOperator(username)) {
      throw new StationError('operator.invalidCredentials');
    }
    await this.station.auth.signInOperator(username, password, client);
  }

  private requireKiosk(): void {
    if (!this.kiosk()) throw new StationError('session.forbidden');
  }

  private leaveKiosk(): AccessStatus {
    this.settings.update({ kiosk: false });
    this.station.audit.append('settings.changed', null, { key: 'kiosk', value: false });
    this.touch();
    return this.status();
  }

  private personSessionEnded(reason: PersonSessionEnd): void {
    try {
      this.options.onPersonSessionEnded?.(reason);
    } catch {
      // The host's window rotation must never keep the session from ending.
    }
  }
}
