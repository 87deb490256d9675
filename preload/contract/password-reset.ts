/**
 * "Can't access your account?" and returning people's sign-in (docs/DESIGN.md §3.9): the
 * entries a person at the kiosk or the desk uses with no one signed in, and the operators'
 * list of requests from "Kontakta en administratör".
 */
import { z } from 'zod';
import type { MethodKind } from '../../domain/methods';
import { call } from './define';
import type { AccessStatus } from './operator';
import { pinSchema } from './operator';

const resetId = z.string().min(1).max(64);
const methodId = z.string().regex(/^[1-9][0-9]{0,14}$/);

export type ResetOutcome =
  'verify' | 'passwordNotManaged' | 'notEnabled' | 'notRegistered' | 'offline';

export interface ResetMethodOption {
  readonly methodId: string;
  readonly kind: MethodKind;
  /** Masked number or address, key name, token serial. */
  readonly detail: string;
  readonly verified: boolean;
}

export interface ResetView {
  readonly resetId: string;
  readonly purpose: 'reset' | 'signIn';
  readonly outcome: ResetOutcome;
  readonly required: number;
  readonly verifiedCount: number;
  readonly complete: boolean;
  readonly methods: ResetMethodOption[];
  readonly questions: { id: string; text: { sv: string; en: string } }[];
  readonly expiresAt: string;
}

export interface AdminRequestView {
  readonly id: string;
  readonly upn: string;
  readonly personId: string | null;
  readonly stationId: string;
  readonly stationName: string;
  readonly reason: string;
  readonly createdAt: string;
  readonly emailed: boolean;
  readonly handledAt: string | null;
}

export const passwordResetCalls = {
  /** The person typed their user ID: one of the refusals, or the methods to verify with. */
  start: call(
    z
      .object({
        upn: z.string().trim().min(1).max(256),
        purpose: z.enum(['reset', 'signIn']).default('reset'),
      })
      .strict(),
  ).returns<ResetView>(),
  cancel: call(z.object({ resetId }).strict()).returns<{ ok: true }>(),
  /** SMS, call or email: a code to that method's number or address. */
  sendCode: call(z.object({ resetId, methodId }).strict()).returns<{ expiresAt: string }>(),
  verifyCode: call(
    z.object({ resetId, methodId, code: z.string().max(16) }).strict(),
  ).returns<ResetView>(),
  verifyQuestions: call(
    z
      .object({
        resetId,
        answers: z
          .array(z.object({ questionId: z.string().max(64), answer: z.string().max(200) }).strict())
          .max(10),
      })
      .strict(),
  ).returns<ResetView>(),
  /** PIN + touch on the plugged-in key (`key.keepalive` events under operationId). */
  verifyKey: call(
    z
      .object({
        resetId,
        deviceId: z.string().min(1).max(512),
        pin: pinSchema,
        operationId: z.string().min(1).max(64),
      })
      .strict(),
  ).returns<ResetView>(),
  setPassword: call(z.object({ resetId, password: z.string().max(256) }).strict()).returns<{
    forceChange: boolean;
  }>(),
  /** A returning person verified enough: signed in at the kiosk. */
  signIn: call(z.object({ resetId }).strict()).returns<AccessStatus>(),
  contactAdmin: call(z.object({ resetId }).strict()).returns<{ sent: true }>(),
  /** Operators: open requests, newest first. */
  requests: call(z.object({ openOnly: z.boolean().default(true) }).strict()).returns<
    AdminRequestView[]
  >(),
  handleRequest: call(z.object({ id: methodId }).strict()).returns<AdminRequestView[]>(),
};
