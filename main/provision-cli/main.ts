/**
 * keystation-provision: provisioning keys for others from a script (docs/PROVISIONING.md).
 *
 *   keystation-provision (--options FILE | --data-dir DIR) --out DIR
 *       (--device PATH|udp:HOST:PORT ... | --all-devices) [--pin random|prompt]
 *       [--min-pin-length N] [--force-pin-change] [--reset] [--rp-id HOST]
 *       [--language sv|en] [--json]
 *
 * The job lives in a registry: the station's (--data-dir) or OUT/provisioning.sqlite (--options),
 * so a run that was killed continues where it stopped when started again with the same --out.
 * Writes OUT/registrations.jsonl (one `{userId, upn, body}` per person, body = the provider's
 * request body), OUT/report.csv and OUT/pin-slips.pdf (each slip is added before its person
 * counts as done). Exit 0 when every person was provisioned, 1 when any failed or is left,
 * 2 on a usage error. Never prints a PIN.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { openDatabase, type Db } from '../db/connection';
import { ProvisioningRepository } from '../db/repositories/provisioning';
import { listDevices, openAuthenticator, type KeepaliveState } from '../../native/index';
import { csvDocument } from '../station/csv';
import {
  ProvisioningRun,
  type BoardEvent,
  type ProvisionedKey,
} from '../station/provisioning/engine';
import {
  ENTRA_RP_ID,
  readOptionsFile,
  type ProvisioningTarget,
} from '../station/provisioning/options';
import { openStation } from '../station/index';
import { pinSlipsPdf, slipCredentialIds, type PinSlip } from '../station/provisioning/slips';
import { isTrivialPin } from '../../domain/pin';

class UsageError extends Error {}

interface Args {
  options?: string;
  dataDir?: string;
  out: string;
  devices: string[];
  allDevices: boolean;
  pin: 'random' | 'prompt';
  minPinLength: number;
  forcePinChange: boolean;
  reset: boolean;
  rpId: string;
  language: 'sv' | 'en';
  json: boolean;
}

const USAGE =
  'usage: keystation-provision (--options FILE | --data-dir DIR) --out DIR (--device PATH|udp:HOST:PORT ... | --all-devices) [--pin random|prompt] [--min-pin-length N] [--force-pin-change] [--reset] [--rp-id HOST] [--language sv|en] [--json]';

export function parseArgs(argv: readonly string[]): Args {
  const a: Args = {
    out: '',
    devices: [],
    allDevices: false,
    pin: 'random',
    minPinLength: 6,
    forcePinChange: false,
    reset: false,
    rpId: ENTRA_RP_ID,
    language: 'sv',
    json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--options':
        a.options = value();
        break;
      case '--data-dir':
        a.dataDir = value();
        break;
      case '--out':
        a.out = value();
        break;
      case '--device':
        a.devices.push(value());
        break;
      case '--all-devices':
        a.allDevices = true;
        break;
      case '--pin': {
        const v = value();
        if (v !== 'random' && v !== 'prompt') throw new UsageError('--pin is random or prompt');
        a.pin = v;
        break;
      }
      case '--min-pin-length': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 4 || n > 63)
          throw new UsageError('--min-pin-length is 4..63');
        a.minPinLength = n;
        break;
      }
      case '--force-pin-change':
        a.forcePinChange = true;
        break;
      case '--reset':
        a.reset = true;
        break;
      case '--rp-id':
        a.rpId = value();
        break;
      case '--language': {
        const v = value();
        if (v !== 'sv' && v !== 'en') throw new UsageError('--language is sv or en');
        a.language = v;
        break;
      }
      case '--json':
        a.json = true;
        break;
      default:
        throw new UsageError(`unknown argument ${arg}`);
    }
  }
  if (!a.options && !a.dataDir) throw new UsageError('--options FILE or --data-dir DIR is needed');
  if (!a.out) throw new UsageError('--out DIR is needed');
  if (!a.devices.length && !a.allDevices)
    throw new UsageError('--device PATH (repeatable) or --all-devices is needed');
  return a;
}

/** Writes a file so a kill leaves either the old or the new one, never half. */
function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

interface Output {
  line(o: Record<string, unknown>): void;
  text(s: string): void;
}

export async function main(argv: readonly string[], io: Output = defaultOutput()): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  const out = resolve(args.out);
  mkdirSync(out, { recursive: true });
  if (args.dataDir) {
    const dataDir = resolve(args.dataDir);
    if (!existsSync(join(dataDir, 'registry.sqlite'))) {
      process.stderr.write(`no registry in ${args.dataDir}\n`);
      return 2;
    }
    const station = openStation({ dataDir });
    try {
      const service = station.provisioning;
      return await provision(service.repo, args, out, io, {
        commit: (d) => service.commit(d),
        // The registry's imported FIDO metadata: a flagged model is refused, as at the station.
        // (The command does not know whether the registry's station runs as a demo, so the
        // station-mode part of the model rule stays with the console.)
        checkModel: (aaguid) => station.keyModels.checkNotCompromised(aaguid),
        createJob: (targets, settings) =>
          service.createJob(targets.length ? targets : service.readyTargets(), settings),
      });
    } finally {
      station.close();
    }
  }
  const db: Db = openDatabase({ path: join(out, 'provisioning.sqlite') });
  try {
    const repo = new ProvisioningRepository(db);
    return await provision(repo, args, out, io, {
      createJob: (targets, settings) => {
        const id = randomUUID();
        repo.createJob(
          id,
          JSON.stringify(settings),
          new Date().toISOString(),
          targets.map((t) => ({
            personId: null,
            userId: t.userId,
            upn: t.upn,
            displayName: t.displayName,
            challenge: t.challenge,
            expiresAt: t.expiresAt,
            options: JSON.stringify(t.publicKey),
          })),
        );
        return id;
      },
    });
  } finally {
    db.close();
  }
}

interface JobHost {
  /** A new job from the file's targets (a station registry: or its people with a ready challenge). */
  createJob(targets: ProvisioningTarget[], settings: Record<string, unknown>): string;
  commit?: (done: ProvisionedKey) => void;
  checkModel?: (aaguid: string) => void;
}

async function provision(
  repo: ProvisioningRepository,
  args: Args,
  out: string,
  io: Output,
  host: JobHost,
): Promise<number> {
  const slipsPath = join(out, 'pin-slips.pdf');
  // With --options the job file belongs to this --out folder: its job is continued (or, when
  // finished, reported again) and never started twice. In a station registry a running job is
  // continued, else a new one starts from the file or from the people with a ready challenge.
  let job = args.dataDir ? repo.latestRunningJob() : repo.latestJob();
  if (!job) {
    let targets: ProvisioningTarget[] = [];
    if (args.options) {
      const read = readOptionsFile(readFileSync(args.options, 'utf8'), {
        rpId: args.rpId,
        now: new Date(),
      });
      for (const e of read.errors)
        io.line({ event: 'optionsRowError', row: e.row, problem: e.problem });
      targets = read.targets;
      if (!targets.length) {
        process.stderr.write('the options file holds nobody to provision\n');
        return 1;
      }
    }
    const id = host.createJob(targets, {
      minPinLength: args.minPinLength,
      forcePinChange: args.forcePinChange,
      reset: args.reset,
    });
    job = repo.job(id);
    if (!job || repo.people(id).length === 0) {
      process.stderr.write('nobody to provision\n');
      return 1;
    }
  }
  const jobId = job.id;
  io.line({ event: 'job', jobId, ...repo.counts(jobId) });

  // The slips file is the operator's own output: each slip is added (atomically) before the
  // person counts as done, so a kill never loses a PIN that a key already holds.
  let slipWrite: Promise<void> = Promise.resolve();
  const deliverSlip = (slip: PinSlip): Promise<void> => {
    const next = slipWrite.then(async () => {
      const existing = existsSync(slipsPath) ? readFileSync(slipsPath) : undefined;
      const pdf = await pinSlipsPdf([slip], {
        language: args.language,
        ...(existing ? { existing } : {}),
      });
      writeAtomic(slipsPath, pdf);
    });
    slipWrite = next.catch(() => undefined);
    return next;
  };

  let promptPin: ((upn: string) => Promise<string>) | undefined;
  if (args.pin === 'prompt') {
    const rl = createInterface({ input: process.stdin, terminal: false });
    const lines = rl[Symbol.asyncIterator]();
    promptPin = async (upn) => {
      process.stderr.write(`PIN for ${upn}: `);
      const r = await lines.next();
      const pin = typeof r.value === 'string' ? r.value.trim() : '';
      if (r.done || pin.length < args.minPinLength || isTrivialPin(pin))
        throw new UsageError('pinRefused');
      return pin;
    };
  }

  const run = new ProvisioningRun(
    repo,
    jobId,
    {
      pinLength: args.minPinLength,
      setMinPinLength: true,
      forcePinChange: args.forcePinChange,
      resetConfirmed: args.reset,
      ...(promptPin ? { choosePin: promptPin } : {}),
    },
    {
      deliverSlip,
      onEvent: (e: BoardEvent) => io.line({ event: 'key', ...e }),
      ...(host.commit ? { commit: host.commit } : {}),
      ...(host.checkModel ? { checkModel: host.checkModel } : {}),
    },
  );
  const slipped = existsSync(slipsPath)
    ? await slipCredentialIds(readFileSync(slipsPath))
    : new Set<string>();
  const resumed = run.resume(slipped);
  if (resumed.requeued || resumed.completed) io.line({ event: 'resumed', ...resumed });

  const devices = args.allDevices
    ? [...args.devices, ...(await listDevices()).map((d) => d.path)]
    : args.devices;
  await Promise.all(
    [...new Set(devices)].map((path) =>
      run.runKey(path, (onKeepalive: (s: KeepaliveState) => void) =>
        openAuthenticator(path, { onKeepalive }),
      ),
    ),
  );
  await slipWrite;

  const people = repo.people(jobId);
  const counts = repo.counts(jobId);
  const left = counts.queued + counts.active + counts.registered;
  if (left === 0 && counts.failed === 0) repo.finishJob(jobId, new Date().toISOString());
  writeAtomic(
    join(out, 'registrations.jsonl'),
    people
      .filter((p) => p.state === 'done' && p.registration)
      .map(
        (p) =>
          `${JSON.stringify({ userId: p.user_id, upn: p.upn, body: JSON.parse(p.registration as string) as unknown })}\n`,
      )
      .join(''),
  );
  writeAtomic(
    join(out, 'report.csv'),
    csvDocument([
      [
        'upn',
        'displayName',
        'result',
        'reason',
        'model',
        'aaguid',
        'firmware',
        'serial',
        'credentialId',
        'keyConfig',
        'attempts',
      ],
      ...people.map((p) => [
        p.upn,
        p.display_name,
        p.state === 'done' ? 'provisioned' : p.state === 'failed' ? 'failed' : 'notProvisioned',
        p.state === 'done' ? '' : (p.error ?? (p.state === 'queued' ? 'noKeyLeft' : '')),
        p.model ?? '',
        p.aaguid ?? '',
        p.firmware ?? '',
        p.serial ?? '',
        p.credential_id ?? '',
        p.key_config === 'unsupported' ? 'authenticatorConfig unsupported' : (p.key_config ?? ''),
        p.attempts,
      ]),
    ]),
  );
  io.line({ event: 'finished', jobId, ...counts });
  if (!args.json) {
    io.text(
      `provisioned ${counts.done} of ${people.length}; failed ${counts.failed}; not provisioned ${left}\n`,
    );
  }
  return counts.done === people.length ? 0 : 1;
}

function defaultOutput(): Output {
  const json = process.argv.includes('--json');
  return {
    line: (o) => {
      if (json) process.stdout.write(`${JSON.stringify(o)}\n`);
    },
    text: (s) => process.stdout.write(s),
  };
}
