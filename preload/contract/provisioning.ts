/**
 * The operator console's "Provision keys" page (docs/PROVISIONING.md "In the operator
 * console"): import the provider's creation options, choose people with a ready challenge, run
 * a batch over every key plugged in, follow the live board, take the PIN slips once.
 * `provisioning.changed` carries no data (it reaches every window): the page asks `board`.
 */
import { z } from 'zod';
import { call, event } from './define';

export type ProvisioningPersonState = 'queued' | 'active' | 'registered' | 'done' | 'failed';

export interface OptionsImportView {
  format: 'json' | 'jsonl' | 'csv';
  imported: number;
  unchanged: number;
  /** `problem` is translated as operator.provision.rowErrors.<problem>. */
  errors: { row: number; problem: string }[];
}

export interface ReadyPersonView {
  personId: string;
  upn: string;
  displayName: string;
  department: string;
  /** "Challenge ready until …" (ISO). */
  expiresAt: string;
  /** Known to the identity provider: the registration is sent through the outbox. */
  linked: boolean;
}

export interface ProvisioningSettingsView {
  pinLength: number;
  setMinPinLength: boolean;
  forcePinChange: boolean;
  resetConfirmed: boolean;
}

export interface BoardKeyView {
  deviceId: string;
  number: number;
  virtual: boolean;
  present: boolean;
  /** waiting, inspect, reset, pin, register, test, config, slip, done, failed, requeued, idle,
   *  remove (hand the key over, plug in the next), reinsert (reset only after power-up). */
  step: string;
  touch: boolean;
  upn: string | null;
  displayName: string | null;
  reason: string | null;
  model: string | null;
  keyConfig: 'set' | 'unsupported' | 'skipped' | null;
  /** The key had authenticatorConfig; null: not known yet. */
  authenticatorConfig: boolean | null;
  insertedAt: string;
  provisioned: number;
}

export interface BoardPersonView {
  upn: string;
  displayName: string;
  state: ProvisioningPersonState;
  attempts: number;
  reason: string | null;
  model: string | null;
  keyConfig: string | null;
}

export interface BoardRunView {
  jobId: string;
  state: 'running' | 'ending' | 'finished';
  settings: ProvisioningSettingsView;
  startedAt: string;
  counts: Record<ProvisioningPersonState, number>;
  keys: BoardKeyView[];
  people: BoardPersonView[];
  slips: 'pending' | 'ready' | 'taken';
  slipCount: number;
}

export interface BoardView {
  run: BoardRunView | null;
  interrupted: { jobId: string; left: number } | null;
  /** Seconds after power-up in which keys take a reset (the board's countdown). */
  resetWindowSeconds: number;
}

const settings = z
  .object({
    pinLength: z.number().int().min(4).max(63),
    setMinPinLength: z.boolean(),
    forcePinChange: z.boolean(),
    resetConfirmed: z.boolean(),
  })
  .strict();

export const provisioningCalls = {
  /** An options file: provider JSON / JSON lines, or the bulk-registration CSV. */
  importOptions: call(
    z.object({ text: z.string().max(5_000_000) }).strict(),
  ).returns<OptionsImportView>(),
  /** Roster people with a ready challenge. */
  ready: call(z.object({}).strict()).returns<{ people: ReadyPersonView[] }>(),
  /** `personIds` null: everyone with a ready challenge. */
  start: call(
    z
      .object({
        personIds: z
          .array(z.string().regex(/^\d{1,15}$/))
          .min(1)
          .max(10_000)
          .nullable(),
        settings,
      })
      .strict(),
  ).returns<BoardView>(),
  resume: call(z.object({}).strict()).returns<BoardView>(),
  board: call(z.object({}).strict()).returns<BoardView>(),
  end: call(z.object({}).strict()).returns<BoardView>(),
  /** Once, after the run ended: the PIN slips PDF (base64). Never again. */
  takeSlips: call(z.object({ language: z.enum(['sv', 'en']) }).strict()).returns<{
    pdf: string;
    count: number;
  }>(),
  /** The provider's request bodies, one JSON line per person provisioned (no PIN). */
  registrations: call(z.object({}).strict()).returns<{ jsonl: string; count: number }>(),
};

export const provisioningEvents = {
  'provisioning.changed': event<Record<string, never>>(),
};
