/**
 * The operator console's "Provision keys" page (docs/PROVISIONING.md "In the operator console"):
 * one batch run at a time over the station's keys. Every key plugged in while the run goes takes
 * the next person (a key that was already plugged in when the run started too); pulling a key
 * mid-way fails that person's attempt and puts them back in the queue for another key. Each
 * insertion provisions one person: the finished key goes to its person, the next key is plugged
 * in. The live board has one row per key (person, step, touch prompt, result, whether the key
 * had authenticatorConfig) and the run's people with their results.
 *
 * PINs live in this object's memory until the run has ended and the operator takes the PIN
 * slips PDF — once: it is made then, handed over and forgotten. Nothing here writes a PIN to the
 * registry or a log, and the slips cannot be made again (a lost slip means a PIN reset).
 */
import { openAuthenticator, type KeepaliveState } from '../../../native/index';
import type { ProvisioningPersonState } from '../../db/repositories/provisioning';
import type { KeyManagerDevices } from '../keyManager';
import type { StationContext } from '../context';
import { StationError } from '../errors';
import type { KeyPresenceChange } from '../devices';
import { ProvisioningRun, type BoardEvent, type ProvisioningStep } from './engine';
import type { ProvisioningService } from './service';
import type { Station } from '../index';
import { stationContext } from '../internals';
import { pinSlipsPdf, type PinSlip } from './slips';

/** What the operator chose for a run. */
export interface DeskSettings {
  /** Length of the random PIN (at least the policy's and the key's minimum). */
  readonly pinLength: number;
  /** Also set the key's minimum PIN length to it (authenticatorConfig). */
  readonly setMinPinLength: boolean;
  readonly forcePinChange: boolean;
  /** The operator confirmed that used keys may be reset (everything on them is erased). */
  readonly resetConfirmed: boolean;
}

/** A key's row on the live board. */
export interface DeskKeyRow {
  readonly deviceId: string;
  /** "Key 2" on the board; a demo virtual key keeps its own number. */
  readonly number: number;
  readonly virtual: boolean;
  /** Plugged in now. */
  readonly present: boolean;
  /**
   * The engine's step, or `remove` (done: hand the key over, plug in the next) and `reinsert`
   * (the key takes a reset only just after power-up: take it out and put it back).
   */
  readonly step: ProvisioningStep | 'remove' | 'reinsert';
  /** The key waits for a touch. */
  readonly touch: boolean;
  readonly upn: string | null;
  readonly displayName: string | null;
  /** Why the last attempt failed (docs/PROVISIONING.md reasons); never a PIN. */
  readonly reason: string | null;
  readonly model: string | null;
  /** After a person: 'set' (min length / force change applied) or 'unsupported'. */
  readonly keyConfig: 'set' | 'unsupported' | 'skipped' | null;
  /** The key had authenticatorConfig (min PIN length, forced change); null: not known yet. */
  readonly authenticatorConfig: boolean | null;
  /** When the key was plugged in (ISO): the reset's power-up window counts from it. */
  readonly insertedAt: string;
  /** People this key finished in this run. */
  readonly provisioned: number;
}

export interface DeskPersonRow {
  readonly upn: string;
  readonly displayName: string;
  readonly state: ProvisioningPersonState;
  readonly attempts: number;
  readonly reason: string | null;
  readonly model: string | null;
  readonly keyConfig: string | null;
}

export interface DeskRunView {
  readonly jobId: string;
  readonly state: 'running' | 'ending' | 'finished';
  readonly settings: DeskSettings;
  readonly startedAt: string;
  readonly counts: Record<ProvisioningPersonState, number>;
  readonly keys: DeskKeyRow[];
  readonly people: DeskPersonRow[];
  /** pending: the run goes on; ready: can be taken once; taken: handed over, gone for good. */
  readonly slips: 'pending' | 'ready' | 'taken';
  readonly slipCount: number;
}

export interface DeskView {
  readonly run: DeskRunView | null;
  /** A run the station was stopped during (a crash, a restart): it can be continued. */
  readonly interrupted: { readonly jobId: string; readonly left: number } | null;
}

/** Seconds after power-up in which most keys take a reset (docs/KEYS.md "Reset"). */
export const RESET_WINDOW_SECONDS = 10;

/** Rows of keys that were removed and are done with, kept for the operator to read. */
const MAX_ABSENT_ROWS = 8;

interface KeyTask {
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

interface ActiveRun {
  readonly run: ProvisioningRun;
  readonly jobId: string;
  readonly settings: DeskSettings;
  readonly startedAt: string;
  state: 'running' | 'ending' | 'finished';
  readonly rows: Map<string, DeskKeyRow>;
  readonly tasks: Map<string, KeyTask>;
  /** Keys inserted again while their last task was still closing: they start after it. */
  readonly again: Set<string>;
  /** The PINs, in memory only, until the slips are taken. */
  slips: PinSlip[];
  slipCount: number;
  slipsTaken: boolean;
  keyNumbers: number;
  stopPresence: () => void;
}

/** A job's stored settings: the console's own, or a headless run's (keystation-provision). */
function settingsOf(json: string): DeskSettings {
  let s: Record<string, unknown> = {};
  try {
    s = JSON.parse(json) as Record<string, unknown>;
  } catch {
    // an unreadable row: the defaults below
  }
  const length = Number(s.pinLength ?? s.minPinLength ?? 6);
  return {
    pinLength: Number.isInteger(length) && length >= 4 && length <= 63 ? length : 6,
    setMinPinLength: s.setMinPinLength !== false,
    forcePinChange: s.forcePinChange === true,
    resetConfirmed: s.resetConfirmed === true || s.reset === true,
  };
}

export class ProvisioningDesk {
  private current: ActiveRun | null = null;
  private readonly ctx: StationContext;
  private readonly service: ProvisioningService;

  constructor(
    station: Station,
    private readonly devices: KeyManagerDevices,
    /** Something on the board changed (no data: the page asks for `view`, staff only). */
    private readonly changed: () => void = () => undefined,
  ) {
    this.ctx = stationContext(station);
    this.service = station.provisioning;
  }

  private now(): string {
    return this.ctx.clock().toISOString();
  }

  view(): DeskView {
    this.ctx.session.assertStaff();
    const r = this.current;
    const latest = this.service.repo.latestRunningJob();
    const interrupted =
      latest && latest.id !== r?.jobId
        ? (() => {
            const c = this.service.repo.counts(latest.id);
            return { jobId: latest.id, left: c.queued + c.active + c.registered };
          })()
        : null;
    if (!r) return { run: null, interrupted };
    return {
      run: {
        jobId: r.jobId,
        state: r.state,
        settings: r.settings,
        startedAt: r.startedAt,
        counts: this.service.repo.counts(r.jobId),
        keys: [...r.rows.values()],
        people: this.service.repo.people(r.jobId).map((p) => ({
          upn: p.upn,
          displayName: p.display_name,
          state: p.state,
          attempts: p.attempts,
          reason: p.state === 'done' ? null : p.error,
          model: p.model,
          keyConfig: p.key_config,
        })),
        slips: r.slipsTaken ? 'taken' : r.state === 'finished' ? 'ready' : 'pending',
        slipCount: r.slipCount,
      },
      interrupted,
    };
  }

  /**
   * Starts a run for the chosen roster people (all with a ready challenge when `personIds` is
   * null); every key plugged in now starts its first person.
   */
  start(personIds: readonly number[] | null, settings: DeskSettings): DeskView {
    this.ctx.session.assertStaff();
    if (this.current && this.current.state !== 'finished')
      throw new StationError('provisioning.runActive');
    if (this.service.repo.latestRunningJob()) throw new StationError('provisioning.runActive');
    const targets = this.service.readyTargets(personIds ? new Set(personIds) : undefined);
    if (targets.length === 0) throw new StationError('provisioning.nobodyReady');
    const jobId = this.service.createJob(targets, { ...settings, console: true });
    this.ctx.db.transaction(() => {
      this.ctx.audit.append('provisioning.started', null, {
        people: targets.length,
        digits: settings.pinLength,
        minLengthOnKey: settings.setMinPinLength,
        forceChange: settings.forcePinChange,
        resets: settings.resetConfirmed,
      });
    })();
    this.begin(jobId, settings);
    return this.view();
  }

  /**
   * Continues a run the station was stopped during: people a key was working on go back to the
   * queue (a key still holding their credential is recognised by it and reset when confirmed).
   * PINs of people finished before the stop were in memory only: their slips are gone, and so
   * those keys need a PIN reset (the board lists them as done).
   */
  resume(): DeskView {
    this.ctx.session.assertStaff();
    if (this.current && this.current.state !== 'finished')
      throw new StationError('provisioning.runActive');
    const job = this.service.repo.latestRunningJob();
    if (!job) throw new StationError('provisioning.noRun');
    this.begin(job.id, settingsOf(job.settings), true);
    return this.view();
  }

  private begin(jobId: string, settings: DeskSettings, resume = false): ActiveRun {
    const run = new ProvisioningRun(
      this.service.repo,
      jobId,
      {
        pinLength: settings.pinLength,
        setMinPinLength: settings.setMinPinLength,
        forcePinChange: settings.forcePinChange,
        resetConfirmed: settings.resetConfirmed,
      },
      {
        deliverSlip: (slip) => {
          active.slips.push(slip);
          active.slipCount = active.slips.length;
          return Promise.resolve();
        },
        onEvent: (e) => this.onBoard(active, e),
        checkModel: (aaguid) => this.service.checkKeyModel(aaguid),
        commit: (done) => {
          this.service.commit(done);
          const slot = done.row.slot;
          const row = slot ? active.rows.get(slot) : undefined;
          if (row && slot)
            active.rows.set(slot, {
              ...row,
              model: done.key.model,
              keyConfig: done.keyConfig,
              authenticatorConfig:
                done.keyConfig === 'skipped' ? row.authenticatorConfig : done.keyConfig === 'set',
              provisioned: row.provisioned + 1,
            });
        },
        now: () => this.ctx.clock(),
      },
    );
    const active: ActiveRun = {
      run,
      jobId,
      settings,
      startedAt: this.now(),
      state: 'running',
      rows: new Map(),
      tasks: new Map(),
      again: new Set(),
      slips: [],
      slipCount: 0,
      slipsTaken: false,
      keyNumbers: 0,
      stopPresence: () => undefined,
    };
    this.current?.stopPresence();
    this.current = active;
    // Before any key looks at the queue: people a key held when the station stopped go back.
    if (resume) run.resume();
    active.stopPresence = this.devices.onPresence((c) => this.onPresence(active, c));
    for (const d of this.devices.list()) this.startKey(active, d.deviceId, d.virtual);
    this.changed();
    return active;
  }

  private onPresence(active: ActiveRun, change: KeyPresenceChange): void {
    if (this.current !== active) return;
    if (change.type === 'inserted') {
      const seen = active.rows.get(change.deviceId);
      if (active.state !== 'running') {
        // After the run the board still shows which keys are in.
        if (seen) active.rows.set(change.deviceId, { ...seen, present: true });
        this.changed();
        return;
      }
      const virtual = this.devices.list().find((d) => d.deviceId === change.deviceId)?.virtual;
      if (active.tasks.has(change.deviceId)) active.again.add(change.deviceId);
      else this.startKey(active, change.deviceId, virtual ?? false);
      return;
    }
    active.again.delete(change.deviceId);
    const row = active.rows.get(change.deviceId);
    if (row) active.rows.set(change.deviceId, { ...row, present: false, touch: false });
    // A key waiting for others to settle stops waiting; one at work fails on its transport.
    active.tasks.get(change.deviceId)?.controller.abort();
    this.pruneAbsent(active);
    this.changed();
  }

  private pruneAbsent(active: ActiveRun): void {
    const absent = [...active.rows.values()].filter(
      (r) => !r.present && !active.tasks.has(r.deviceId),
    );
    for (const r of absent.slice(0, Math.max(0, absent.length - MAX_ABSENT_ROWS)))
      active.rows.delete(r.deviceId);
  }

  private startKey(active: ActiveRun, deviceId: string, virtual: boolean): void {
    if (active.tasks.has(deviceId)) return;
    const before = active.rows.get(deviceId);
    const own = virtual ? /(\d+)$/.exec(deviceId) : null;
    active.rows.set(deviceId, {
      deviceId,
      number: before?.number ?? (own ? Number(own[1]) : ++active.keyNumbers),
      virtual,
      present: true,
      step: 'waiting',
      touch: false,
      upn: null,
      displayName: null,
      reason: null,
      model: before?.model ?? null,
      keyConfig: null,
      authenticatorConfig: before?.authenticatorConfig ?? null,
      insertedAt: this.now(),
      provisioned: before?.provisioned ?? 0,
    });
    const controller = new AbortController();
    const open = (onKeepalive: (s: KeepaliveState) => void) =>
      openAuthenticator(this.devices.target(deviceId), { onKeepalive });
    const done = active.run.runKey(deviceId, open, { signal: controller.signal, once: true }).then(
      (result) => this.keyFinished(active, deviceId, result),
      () => this.keyFinished(active, deviceId, { provisioned: 0, reason: 'unexpected' }),
    );
    active.tasks.set(deviceId, { controller, done });
    this.changed();
  }

  private keyFinished(
    active: ActiveRun,
    deviceId: string,
    result: { provisioned: number; reason?: string },
  ): void {
    active.tasks.delete(deviceId);
    const row = active.rows.get(deviceId);
    if (row) {
      let step = row.step;
      if (result.reason === 'reinsertToReset') step = 'reinsert';
      else if (result.provisioned > 0) step = 'remove';
      active.rows.set(deviceId, { ...row, step, touch: false });
    }
    if (active.again.delete(deviceId) && active.state === 'running') {
      this.startKey(active, deviceId, row?.virtual ?? false);
      return;
    }
    this.pruneAbsent(active);
    this.settle(active);
    this.changed();
  }

  private onBoard(active: ActiveRun, e: BoardEvent): void {
    const row = active.rows.get(e.slot);
    if (!row) return;
    const person = e.upn !== undefined;
    active.rows.set(e.slot, {
      ...row,
      step:
        e.step === 'idle' && row.step !== 'waiting' && row.step !== 'inspect' ? row.step : e.step,
      touch: e.touch ?? false,
      upn: person ? (e.upn ?? null) : e.step === 'inspect' ? null : row.upn,
      displayName: person ? (e.displayName ?? null) : e.step === 'inspect' ? null : row.displayName,
      reason: e.reason ?? (e.step === 'inspect' ? null : row.reason),
      ...(e.step === 'inspect' ? { keyConfig: null } : {}),
    });
    this.changed();
  }

  /** Ends the run when nobody is left for a key, or when the operator ended it and keys stopped. */
  private settle(active: ActiveRun): void {
    if (active.state === 'finished' || active.tasks.size > 0) return;
    const c = this.service.repo.counts(active.jobId);
    const left = c.queued + c.active + c.registered;
    if (left > 0 && active.state === 'running') return;
    active.state = 'finished';
    const at = this.now();
    this.ctx.db.transaction(() => {
      this.service.repo.finishJob(active.jobId, at);
      this.ctx.audit.append('provisioning.finished', null, {
        done: c.done,
        failed: c.failed,
        left,
      });
    })();
  }

  /**
   * The operator ends the run: no key takes a new person; keys finish the person they hold.
   * People still queued stay "challenge ready" for a later run.
   */
  end(): DeskView {
    this.ctx.session.assertStaff();
    const active = this.current;
    if (!active || active.state === 'finished') throw new StationError('provisioning.noRun');
    active.state = 'ending';
    active.run.stop();
    this.settle(active);
    this.changed();
    return this.view();
  }

  /**
   * The PIN slips of the run that ended: made now, handed over once, then forgotten. Asking
   * again is refused (`provisioning.slipsGone`): a lost slip means a PIN reset.
   */
  async takeSlips(language: 'sv' | 'en'): Promise<{ pdf: string; count: number }> {
    this.ctx.session.assertStaff();
    const active = this.current;
    if (!active) throw new StationError('provisioning.noRun');
    if (active.slipsTaken) throw new StationError('provisioning.slipsGone');
    if (active.state !== 'finished') throw new StationError('provisioning.slipsNotReady');
    const slips = active.slips;
    active.slips = [];
    active.slipsTaken = true;
    const pdf = await pinSlipsPdf(slips, { language, now: this.ctx.clock() });
    this.ctx.db.transaction(() => {
      this.ctx.audit.append('provisioning.slipsHandedOver', null, { count: slips.length });
    })();
    slips.length = 0;
    this.changed();
    return { pdf: Buffer.from(pdf).toString('base64'), count: active.slipCount };
  }

  /**
   * The run's results as the provider's request bodies, one JSON line per person provisioned
   * (`{userId, upn, body}`, docs/PROVISIONING.md): for posting later from a connected machine.
   * Public data only; it can be fetched again.
   */
  registrations(): { jsonl: string; count: number } {
    this.ctx.session.assertStaff();
    const active = this.current;
    if (!active) throw new StationError('provisioning.noRun');
    const lines = this.service.repo
      .people(active.jobId)
      .filter((p) => p.state === 'done' && p.registration)
      .map((p) =>
        JSON.stringify({
          userId: p.user_id,
          upn: p.upn,
          body: JSON.parse(p.registration as string) as unknown,
        }),
      );
    return { jsonl: lines.map((l) => `${l}\n`).join(''), count: lines.length };
  }

  /** Station shutdown: keys stop taking people; PINs in memory are dropped. */
  close(): void {
    const active = this.current;
    if (!active) return;
    active.run.stop();
    for (const t of active.tasks.values()) t.controller.abort();
    active.stopPresence();
    active.slips = [];
  }
}
