/**
 * The one choke point between a host (Electron IPC or the browser host's WebSocket) and the
 * handlers: unknown entries are refused, every argument is validated with the contract's zod
 * schema, and whatever a handler throws becomes a typed error result — never a crash.
 */
import {
  listChannels,
  type ArgsOut,
  type ContractError,
  type Contract,
  type Domain,
  type Result,
  type ResultValue,
} from '../../preload/contract';
import { toContractError, validationError } from './errors';
import type { EventSink } from './events';

/** What a handler knows about its caller. */
export interface CallContext {
  host: 'electron' | 'browser';
  /**
   * Who is calling, for per-client limits (operator password backoff): the browser's address,
   * or the desktop window.
   */
  client?: string;
  /** Send an event to the renderer that made this call only (progress, "touch your key"). */
  emit: EventSink;
}

export type Handler<D extends Domain, M extends keyof Contract[D]> = (
  args: ArgsOut<D, M>,
  ctx: CallContext,
) => Promise<ResultValue<D, M>> | ResultValue<D, M>;

/** One handler per entry of a domain; the type checker reports a missing or extra one. */
export type DomainHandlers<D extends Domain> = { [M in keyof Contract[D]]: Handler<D, M> };
export type ContractHandlers = { [D in Domain]: DomainHandlers<D> };

export type Dispatch = (
  channel: string,
  rawArgs: unknown,
  ctx: CallContext,
) => Promise<Result<unknown>>;

export interface DispatchLog {
  /** Called for internal errors; gets the channel and the error, never the arguments. */
  error(channel: string, error: unknown): void;
}

const consoleLog: DispatchLog = {
  error(channel, error) {
    console.error(`keystation: ${channel} failed:`, error instanceof Error ? error.stack : error);
  },
};

type AnyHandler = (args: unknown, ctx: CallContext) => unknown;

/**
 * Authorisation (main/api/authorization.ts): runs after the arguments are validated, before
 * the handler; a non-null answer is returned as the call's error.
 */
export type DispatchGuard = (domain: string, name: string, args: unknown) => ContractError | null;

export function createDispatch(
  handlers: ContractHandlers,
  log: DispatchLog = consoleLog,
  guard?: DispatchGuard,
): Dispatch {
  const table = new Map<
    string,
    { domain: string; name: string; args: (typeof entries)[number]['args']; handler: AnyHandler }
  >();
  const entries = listChannels();
  for (const entry of entries) {
    const domainHandlers = handlers[entry.domain] as Record<string, AnyHandler> | undefined;
    const handler = domainHandlers?.[entry.name];
    if (typeof handler !== 'function') {
      throw new Error(`No handler for contract entry ${entry.channel}`);
    }
    table.set(entry.channel, { domain: entry.domain, name: entry.name, args: entry.args, handler });
  }

  return async (channel, rawArgs, ctx) => {
    const entry = typeof channel === 'string' ? table.get(channel) : undefined;
    if (!entry) {
      return { ok: false, error: { kind: 'validation', code: 'unknownChannel' } };
    }
    const parsed = entry.args.safeParse(rawArgs);
    if (!parsed.success) {
      return { ok: false, error: validationError(parsed.error) };
    }
    try {
      const refusal = guard?.(entry.domain, entry.name, parsed.data) ?? null;
      if (refusal) return { ok: false, error: refusal };
      const value = await entry.handler(parsed.data, ctx);
      return { ok: true, value };
    } catch (e) {
      const error = toContractError(e);
      if (error.kind === 'internal') log.error(channel, e);
      return { ok: false, error };
    }
  };
}

/** The set of channels a host may expose: exactly the contract's. */
export function contractChannels(): string[] {
  return listChannels().map((e) => e.channel);
}
