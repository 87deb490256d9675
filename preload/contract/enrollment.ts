/**
 * Enrollment of the code-based methods (DESIGN.md §1, §3.4–3.6): authenticator app, phone (text or
 * call), alternate email, security questions and OATH hardware tokens. The security key has its
 * own domain. Multi-step flows are `begin…` → `complete…` with an opaque enrollment id; nothing
 * here ever returns a stored secret — the app's TOTP secret is shown once, at `appBegin`, because
 * the person must type it into their app (DESIGN.md §1 "Kan inte skanna QR-koden").
 */
import { z } from 'zod';
import { PHONE_KINDS } from '../../domain/methods';
import { call } from './define';
import { personIdSchema } from './people';
import type { MethodSummary } from './security-info';

const enrollmentIdSchema = z.string().min(1).max(128);
/** A one-time code as typed: digits, maybe with spaces; main checks the value. */
const codeSchema = z.string().max(32);
export const deliveries = ['gateway', 'inPerson'] as const;
export type Delivery = (typeof deliveries)[number];

export interface AuthenticatorAppSetup {
  enrollmentId: string;
  /** The otpauth:// QR code as an SVG data URL: sharp at any size (CSP allows data: images). */
  qrImage: string;
  /** "Can't scan the QR code?": what to type into the app by hand. */
  manual: {
    account: string;
    issuer: string;
    /** Base32, grouped in fours for reading. */
    secret: string;
    period: 30 | 60;
    digits: 6 | 8;
    algorithm: 'SHA1' | 'SHA256' | 'SHA512';
  };
  expiresAt: string;
}

export interface PhoneVerification {
  enrollmentId: string;
  /** E.164, as stored. */
  e164: string;
  /** International format for people. */
  display: string;
  /** Digits of an extension that was typed and removed (DESIGN.md §3.5), else null. */
  extensionRemoved: string | null;
  delivery: Delivery;
  expiresAt: string;
  attemptsLeft: number;
}

export interface EmailVerification {
  enrollmentId: string;
  address: string;
  delivery: Delivery;
  expiresAt: string;
  attemptsLeft: number;
}

/** How codes reach people at this station, and who may confirm in person. */
export interface ContactOptions {
  /** `outbox`: offline — messages wait in the station's outbox for staff to deliver. */
  gateway: 'outbox' | 'online';
  /** An operator is signed in and can confirm the number / address in person. */
  canConfirmInPerson: boolean;
  /** Demo station: the flow may show the recorded message (training, e2e). */
  demo: boolean;
  /**
   * The flow may show the outbox message of its own enrollment: on a demo station, or to a
   * signed-in operator at the desk (an offline station's way to hand the code over).
   */
  canReadOutbox: boolean;
  /**
   * A kiosk person: staff can confirm the number or address on the same screen with their
   * password or key (kiosk.confirmContactWith…), without ending kiosk mode.
   */
  canAskStaff: boolean;
}

/** The message the outbox recorded for an enrollment (demo stations only). */
export interface DemoMessage {
  channel: 'sms' | 'call' | 'email';
  destination: string;
  text: string;
  createdAt: string;
}

export interface SecurityQuestionChoice {
  id: string;
  text: { sv: string; en: string };
}

export interface QuestionBankView {
  /** How many questions the person must answer (policy). */
  required: number;
  answerMin: number;
  answerMax: number;
  questions: SecurityQuestionChoice[];
}

export interface OathTokenChoice {
  serial: string;
  manufacturer: string;
  model: string;
}

/** "Ladda ned nu": an app store's address and its QR code (an SVG data URL). */
export interface AppStoreLink {
  store: 'appStore' | 'googlePlay';
  url: string;
  qrImage: string;
}

export const enrollmentCalls = {
  /** Where to get Microsoft Authenticator, with a QR code per app store (docs/DESIGN.md §3.4). */
  appDownload: call(z.object({}).strict()).returns<AppStoreLink[]>(),
  /** Seed 001 "Konfigurera ditt konto": a fresh secret, QR code and manual-entry details. */
  appBegin: call(z.object({ personId: personIdSchema }).strict()).returns<AuthenticatorAppSetup>(),
  /** The code the app shows now; stores the method. */
  appComplete: call(
    z
      .object({
        enrollmentId: enrollmentIdSchema,
        code: codeSchema,
        /** The person's name for it ("Jobbtelefonen"); main trims and checks it. */
        name: z.string().max(256).optional(),
      })
      .strict(),
  ).returns<MethodSummary>(),
  appCancel: call(z.object({ enrollmentId: enrollmentIdSchema }).strict()).returns<null>(),

  contactOptions: call(z.object({}).strict()).returns<ContactOptions>(),
  /** The outbox message of a pending phone / email enrollment (see `canReadOutbox`). */
  demoMessage: call(
    z.object({ enrollmentId: enrollmentIdSchema }).strict(),
  ).returns<DemoMessage | null>(),

  phoneBegin: call(
    z
      .object({
        personId: personIdSchema,
        kind: z.enum(PHONE_KINDS),
        number: z.string().max(64),
        /** ISO 3166 alpha-2 for numbers typed without +. */
        country: z
          .string()
          .regex(/^[A-Z]{2}$/)
          .optional(),
        delivery: z.enum(deliveries),
        /** A call may go to another phone than the mobile (docs/DESIGN.md §3.5); texts: the mobile only. */
        phoneType: z.enum(['mobile', 'alternateMobile', 'office']).optional(),
      })
      .strict(),
  ).returns<PhoneVerification>(),
  phoneComplete: call(
    z.object({ enrollmentId: enrollmentIdSchema, code: codeSchema }).strict(),
  ).returns<MethodSummary>(),
  phoneConfirmInPerson: call(
    z.object({ enrollmentId: enrollmentIdSchema }).strict(),
  ).returns<MethodSummary>(),
  phoneCancel: call(z.object({ enrollmentId: enrollmentIdSchema }).strict()).returns<null>(),

  emailBegin: call(
    z
      .object({
        personId: personIdSchema,
        address: z.string().max(320),
        delivery: z.enum(deliveries),
      })
      .strict(),
  ).returns<EmailVerification>(),
  emailComplete: call(
    z.object({ enrollmentId: enrollmentIdSchema, code: codeSchema }).strict(),
  ).returns<MethodSummary>(),
  emailConfirmInPerson: call(
    z.object({ enrollmentId: enrollmentIdSchema }).strict(),
  ).returns<MethodSummary>(),
  emailCancel: call(z.object({ enrollmentId: enrollmentIdSchema }).strict()).returns<null>(),

  /** The organization's active questions and how many to answer. */
  questionBank: call(z.object({}).strict()).returns<QuestionBankView>(),
  /** Replaces an older set; answers are hashed in main and never come back. */
  questionsRegister: call(
    z
      .object({
        personId: personIdSchema,
        answers: z
          .array(
            z
              .object({ questionId: z.string().min(1).max(64), answer: z.string().max(200) })
              .strict(),
          )
          .max(20),
      })
      .strict(),
  ).returns<MethodSummary>(),

  /** Hardware tokens an admin imported for this person and not activated yet. */
  tokensAvailable: call(z.object({ personId: personIdSchema }).strict()).returns<
    OathTokenChoice[]
  >(),
  tokenActivate: call(
    z
      .object({
        personId: personIdSchema,
        serial: z.string().min(1).max(64),
        code: codeSchema,
        name: z.string().max(256).optional(),
      })
      .strict(),
  ).returns<MethodSummary>(),
};
