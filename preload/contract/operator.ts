import { z } from 'zod';
import { call } from './define';
import type { StationMode } from './station';

/** Who the station is serving right now (DESIGN.md §3.7–3.8); the renderer's guards read this. */
export type AccessRole =
  /** First run not done yet: the station is an open demo, nothing is enforced. */
  | 'open'
  /** Nobody signed in: only sign-in and the kiosk welcome are reachable. */
  | 'nobody'
  | 'operator'
  /** A person signed in at the kiosk with a temporary access pass. */
  | 'person';

export interface OperatorIdentity {
  id: string;
  username: string;
  displayName: string;
  role: 'operator' | 'admin';
  securityKeys: number;
  hasPassword: boolean;
}

export interface AccessStatus {
  firstRunComplete: boolean;
  /** The mode the station runs in after first run (a restart applies a change fully). */
  mode: StationMode;
  role: AccessRole;
  operator: OperatorIdentity | null;
  person: { id: string; upn: string; displayName: string } | null;
  /** Kiosk mode is on: the renderer shows only the kiosk. */
  kiosk: boolean;
  /** Seconds of inactivity before an operator is locked out / a kiosk person is signed out. */
  operatorIdleSeconds: number;
  kioskIdleSeconds: number;
  /** How long before the kiosk timeout the warning shows. */
  kioskWarningSeconds: number;
}

/** The key the operator would use right now (the first one plugged in). */
export interface OperatorKeyStatus {
  present: boolean;
  virtual: boolean;
  model: string | null;
  pinSet: boolean | null;
  /** Production stations refuse the virtual key (DESIGN.md §4). */
  refused: boolean;
  /** The rules a new PIN must meet: the organization's PIN policy, as for people's keys. */
  pinPolicy: { minLength: number; rejectTrivial: boolean };
}

export const operatorUsernameSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9._@-]{3,64}$/i);
export const operatorPasswordSchema = z.string().min(12).max(256);
/** The key's PIN: crosses the contract only to reach the key; never stored or logged. */
export const pinSchema = z.string().min(4).max(63);
export const rpIdSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/,
  );

export const firstRunSchema = z
  .object({
    username: operatorUsernameSchema,
    displayName: z.string().trim().min(1).max(128),
    password: operatorPasswordSchema,
    mode: z.enum(['demo', 'production']),
    organizationName: z.string().trim().min(1).max(128),
    rpId: rpIdSchema,
    rpName: z.string().trim().min(1).max(64),
    /** How many methods registration requires (DESIGN.md §2). */
    requiredCount: z.number().int().min(1).max(7),
    requireSecurityKey: z.boolean(),
    kioskIdleSeconds: z.number().int().min(15).max(3600),
  })
  .strict();
export type FirstRunInput = z.input<typeof firstRunSchema>;

export const operatorCalls = {
  status: call(z.object({}).strict()).returns<AccessStatus>(),
  /** First run: creates the first (admin) operator, organization, policy; signs them in. */
  setup: call(firstRunSchema).returns<AccessStatus>(),
  signInWithPassword: call(
    z.object({ username: z.string().max(64), password: z.string().max(256) }).strict(),
  ).returns<AccessStatus>(),
  /** Sign-in with the operator's own key: main runs the WebAuthn assertion on the key. */
  signInWithKey: call(
    z.object({ username: z.string().max(64).optional(), pin: pinSchema }).strict(),
  ).returns<AccessStatus>(),
  keyStatus: call(z.object({}).strict()).returns<OperatorKeyStatus>(),
  /** Registers the plugged-in key for the signed-in operator (sets the PIN first if unset). */
  registerKey: call(
    z.object({ pin: pinSchema, name: z.string().trim().min(1).max(64) }).strict(),
  ).returns<OperatorIdentity>(),
  /**
   * Lifts another operator's password lockout (too many wrong passwords); the signed-in
   * operator must have signed in with their own security key.
   */
  liftLockout: call(
    z.object({ username: z.string().trim().min(1).max(64) }).strict(),
  ).returns<AccessStatus>(),
  /** Sign out (or lock after idle: the same, the operator signs in again). */
  signOut: call(
    z.object({ reason: z.enum(['user', 'idle']).optional() }).strict(),
  ).returns<AccessStatus>(),
};
