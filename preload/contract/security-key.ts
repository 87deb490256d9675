import { z } from 'zod';
import { call } from './define';
import { personIdSchema } from './people';
import type { MethodSummary } from './security-info';

/** A key the station can see now (DESIGN.md §3.3 "Insert your security key"). */
export interface KeyDevice {
  /** Opaque id for this session (not a serial number). */
  deviceId: string;
  /** Product name from USB; null for the virtual key (the UI says "Virtual key (demo)"). */
  productName: string | null;
  virtual: boolean;
}

/** Key info after opening it (DESIGN.md §3.3): model from the AAGUID, firmware, PIN state. */
export interface SecurityKeyStart {
  enrollmentId: string;
  aaguid: string;
  model: string;
  isVirtual: boolean;
  firmware: string | null;
  versions: string[];
  pinSet: boolean;
  /** PIN tries left on the key; null when no PIN is set. */
  pinRetries: number | null;
  /**
   * What the PIN page does: create a PIN, enter the existing one, change it (the key demands a
   * new PIN: getInfo forcePINChange, CTAP 2.1 §6.4 0x0C), or nothing.
   */
  pinStep: 'set' | 'verify' | 'change' | 'none';
  /** The key refuses to be used until its PIN is changed ("PIN must be changed"). */
  mustChangePin: boolean;
  /** The organization's PIN rules (DESIGN.md §2), shown live while the person types. */
  pinPolicy: { minLength: number; rejectTrivial: boolean };
  /** Longest key name the policy accepts. */
  maxNameLength: number;
}

const enrollmentIdSchema = z.string().min(1).max(64);
/** Chosen by the renderer; keepalive events ("touch your key") carry it back. */
const operationIdSchema = z.string().min(1).max(64);
/** CTAP 2.1 §6.5.5.5: at most 63 bytes; the schema allows a little more so main says why. */
const pinSchema = z.string().max(128);

export const securityKeyCalls = {
  /** Keys present now; `key.inserted` / `key.removed` report changes (hot-plug). */
  devices: call(z.object({}).strict()).returns<{ devices: KeyDevice[] }>(),
  /** Opens the key, reads getInfo and PIN retries, checks the model against the policy. */
  begin: call(
    z
      .object({
        personId: personIdSchema,
        deviceId: z.string().min(1).max(64),
        operationId: operationIdSchema,
      })
      .strict(),
  ).returns<SecurityKeyStart>(),
  setPin: call(
    z
      .object({ enrollmentId: enrollmentIdSchema, pin: pinSchema, confirmation: pinSchema })
      .strict(),
  ).returns<{ ok: true }>(),
  verifyPin: call(z.object({ enrollmentId: enrollmentIdSchema, pin: pinSchema }).strict()).returns<{
    ok: true;
  }>(),
  /**
   * "Your security key needs a new PIN" (DESIGN.md §2): current PIN + new PIN (the organization's
   * rules and the key's minPINLength; must differ) + confirmation → clientPin changePIN, then the
   * ceremony continues. Also after verifyPin answered `securityKey.pinChangeRequired`.
   */
  changePin: call(
    z
      .object({
        enrollmentId: enrollmentIdSchema,
        currentPin: pinSchema,
        newPin: pinSchema,
        confirmation: pinSchema,
      })
      .strict(),
  ).returns<{ ok: true }>(),
  /** makeCredential: "Touch your security key" (keepalive events while it waits). */
  register: call(
    z.object({ enrollmentId: enrollmentIdSchema, operationId: operationIdSchema }).strict(),
  ).returns<{ model: string; attestationFormat: string }>(),
  /** Names the key, runs the test sign-in (touch again) and stores the method. */
  complete: call(
    z
      .object({
        enrollmentId: enrollmentIdSchema,
        operationId: operationIdSchema,
        name: z.string().max(256),
      })
      .strict(),
  ).returns<MethodSummary>(),
  /**
   * "Get a new challenge": fresh creation options from the identity provider for a linked
   * person's enrollment after the old challenge expired (online only).
   */
  newChallenge: call(z.object({ enrollmentId: enrollmentIdSchema }).strict()).returns<{
    expiresAt: string;
  }>(),
  /**
   * Cancel at any step: aborts what the key is doing (CTAPHID CANCEL) and forgets the
   * enrollment. Either id may be given (before `begin` answers only the operation id exists).
   */
  cancel: call(
    z
      .object({
        enrollmentId: enrollmentIdSchema.optional(),
        operationId: operationIdSchema.optional(),
      })
      .strict(),
  ).returns<{ ok: true }>(),
};
