/**
 * keystation-idp: the identity-provider link for IT staff's scripts (docs/IDP.md). A host like
 * the browser host: it reads its arguments once, opens the station on --data-dir (file-sealed
 * station key) and calls one IdpService method per command. Never prints a secret or a body.
 *
 *   keystation-idp [--data-dir DIR] [--json] [--ca FILE] COMMAND
 *     status                      connection, linked people, outbox counts
 *     connect --tenant ID --client-id ID [--secret-env VAR | --secret-file F | --key F --cert F]
 *             [--authority-host H] [--graph-host H] [--group ID]
 *     test                        test the connection
 *     pull [--group ID]           members of the group and their methods into the roster
 *     push                        send everything pending (waits out Retry-After)
 *     export-pending FILE         pending requests as JSON lines (+ FILE.csv report)
 *     upload FILE [--results F]   send another station's pending file; writes the results file
 *     import-results FILE         take an upload's results back (items confirmed or failed)
 *     import-options FILE         creation options issued earlier (JSON lines), for offline keys
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { defaultDataDir } from '../browser-host/data-dir';
import { openStation, StationError, type Station } from '../station/index';

interface Args {
  command: string;
  positional: string[];
  flags: Map<string, string | true>;
}

const BOOLEAN_FLAGS = new Set(['json', 'help']);

export function parseArgs(argv: readonly string[]): Args {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split('=', 2);
      if (inline !== undefined) flags.set(name, inline);
      else if (BOOLEAN_FLAGS.has(name)) flags.set(name, true);
      else flags.set(name, argv[++i] ?? '');
    } else positional.push(a);
  }
  return { command: positional.shift() ?? 'help', positional, flags };
}

function flag(a: Args, name: string): string | undefined {
  const v = a.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

function need(a: Args, n: number, what: string): string {
  const v = a.positional[n];
  if (!v) throw new UsageError(`missing ${what}`);
  return v;
}

class UsageError extends Error {}

const USAGE = `usage: keystation-idp [--data-dir DIR] [--json] [--ca FILE] status|connect|test|pull|push|export-pending FILE|upload FILE|import-results FILE|import-options FILE`;

async function run(station: Station, a: Args): Promise<Record<string, unknown>> {
  const idp = station.idp;
  switch (a.command) {
    case 'status': {
      const c = idp.connection();
      const o = idp.repo.stateCounts();
      return {
        connection: c,
        people: idp.repo.linkedCounts(),
        outbox: { counts: o, lastError: idp.repo.lastError(), nextAttemptAt: idp.repo.nextDueAt() },
        confirmed: idp.confirmedCounts(),
      };
    }
    case 'connect': {
      const secretEnv = flag(a, 'secret-env');
      const secretFile = flag(a, 'secret-file');
      const keyFile = flag(a, 'key');
      const certFile = flag(a, 'cert');
      const certificate = keyFile && certFile;
      const secret = secretEnv
        ? process.env[secretEnv]
        : secretFile
          ? readFileSync(secretFile, 'utf8').trim()
          : undefined;
      const view = idp.saveConnection({
        tenantId: flag(a, 'tenant') ?? '',
        clientId: flag(a, 'client-id') ?? '',
        credentialKind: certificate ? 'certificate' : 'secret',
        secret,
        privateKeyPem: keyFile ? readFileSync(keyFile, 'utf8') : undefined,
        certificatePem: certFile ? readFileSync(certFile, 'utf8') : undefined,
        authorityHost: flag(a, 'authority-host'),
        graphHost: flag(a, 'graph-host'),
        groupId: flag(a, 'group'),
      });
      return { connection: view };
    }
    case 'test':
      return { ...(await idp.testConnection()) };
    case 'pull':
      return { ...(await idp.pull({ groupId: flag(a, 'group') })) };
    case 'push':
      return { ...(await idp.push()) };
    case 'export-pending': {
      const file = need(a, 0, 'FILE');
      const out = idp.exportPending();
      writeFileSync(file, out.jsonl);
      const csvFile = `${file.replace(/\.jsonl?$/i, '')}.csv`;
      writeFileSync(csvFile, out.csv);
      return { exported: out.count, file, report: csvFile };
    }
    case 'upload': {
      const file = need(a, 0, 'FILE');
      const results = flag(a, 'results') ?? `${file.replace(/\.jsonl?$/i, '')}.results.jsonl`;
      const out = await idp.uploadPending(readFileSync(file, 'utf8'));
      writeFileSync(results, out.results);
      return { confirmed: out.confirmed, failed: out.failed, results };
    }
    case 'import-results':
      return { ...idp.importResults(readFileSync(need(a, 0, 'FILE'), 'utf8')) };
    case 'import-options':
      return { ...idp.importCreationOptions(readFileSync(need(a, 0, 'FILE'), 'utf8')) };
    default:
      throw new UsageError(USAGE);
  }
}

function human(v: unknown, indent = ''): string {
  if (v === null || typeof v !== 'object') return String(v);
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) =>
      x !== null && typeof x === 'object'
        ? `${indent}${k}:\n${human(x, `${indent}  `)}`
        : `${indent}${k}: ${String(x)}`,
    )
    .join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const a = parseArgs(argv);
  const json = a.flags.has('json');
  if (a.command === 'help' || a.flags.has('help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const caFile = flag(a, 'ca');
  let station: Station | undefined;
  try {
    station = openStation({
      dataDir: flag(a, 'data-dir') ?? defaultDataDir(),
      idp: { ca: caFile ? readFileSync(caFile, 'utf8') : undefined },
    });
    const out = await run(station, a);
    process.stdout.write(json ? `${JSON.stringify({ ok: true, ...out })}\n` : `${human(out)}\n`);
    return 0;
  } catch (e) {
    const error =
      e instanceof StationError
        ? { code: e.code, params: e.params }
        : e instanceof UsageError
          ? { code: 'usage', params: { detail: e.message } }
          : { code: 'internal', params: { detail: e instanceof Error ? e.name : 'error' } };
    process.stderr.write(
      json
        ? `${JSON.stringify({ ok: false, error })}\n`
        : `keystation-idp: ${error.code} ${JSON.stringify(error.params)}\n`,
    );
    return e instanceof UsageError ? 2 : 1;
  } finally {
    station?.close();
  }
}
