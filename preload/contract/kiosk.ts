import { z } from 'zod';
import { call, event } from './define';
import type { AccessStatus } from './operator';
import { pinSchema } from './operator';
import type { MethodSummary } from './security-info';

/** Which pending contact enrollment staff confirm at the kiosk (the person's own). */
const confirmContact = {
  enrollmentId: z.string().min(1).max(128),
  method: z.enum(['phone', 'email']),
};

export const kioskCalls = {
  /** An operator turns the station into a kiosk; the operator is signed out. */
  start: call(z.object({}).strict()).returns<AccessStatus>(),
  /** A person signs in with UPN + temporary access pass (DESIGN.md §3.8). */
  signIn: call(
    z.object({ upn: z.string().trim().min(1).max(256), pass: z.string().min(1).max(64) }).strict(),
  ).returns<AccessStatus>(),
  /** The person is done (or went idle): the station forgets the session. */
  finish: call(
    z.object({ reason: z.enum(['done', 'idle', 'cancel']) }).strict(),
  ).returns<AccessStatus>(),
  /** The person is still there: restarts the server-side idle clock. */
  stillHere: call(z.object({}).strict()).returns<{ idleSeconds: number }>(),
  /** Leave kiosk mode: an operator's password… */
  unlockWithPassword: call(
    z.object({ username: z.string().max(64), password: z.string().max(256) }).strict(),
  ).returns<AccessStatus>(),
  /** …or an operator's own key. */
  unlockWithKey: call(
    z.object({ username: z.string().max(64).optional(), pin: pinSchema }).strict(),
  ).returns<AccessStatus>(),
  /**
   * Staff confirm the kiosk person's pending phone or email in person on the same screen with
   * their password; kiosk mode and the person's session stay (DESIGN.md §3.8).
   */
  confirmContactWithPassword: call(
    z
      .object({
        ...confirmContact,
        username: z.string().max(64),
        password: z.string().max(256),
      })
      .strict(),
  ).returns<MethodSummary>(),
  /** …or with their own security key (PIN here, touch on the key). */
  confirmContactWithKey: call(
    z
      .object({ ...confirmContact, username: z.string().max(64).optional(), pin: pinSchema })
      .strict(),
  ).returns<MethodSummary>(),
};

export const kioskEvents = {
  /**
   * The station ended a kiosk person's session (done, idle, cancel, or expired on the server):
   * the desktop app opens a fresh window on a fresh partition (main/electron/kiosk.ts).
   */
  'kiosk.sessionEnded': event<{ reason: 'done' | 'idle' | 'cancel' | 'expired' }>(),
};
