/**
 * The building blocks of the one typed contract between the renderer and the main process
 * (docs/DESIGN.md §10.4: GitHub Desktop's typed IPC, with the runtime zod check it lacks).
 *
 * A contract entry is a zod schema for its single argument object plus a phantom result type.
 * Results travel as plain JSON (no Date, no Uint8Array: ISO strings, base64url) so the same
 * values cross Electron IPC (structured clone) and the browser host's WebSocket (JSON).
 */
import type { z } from 'zod';

/** Which layer refused: never mixed (docs/DESIGN.md §10.3). */
export type ErrorKind = 'validation' | 'station' | 'ctap' | 'transport' | 'internal';

/** Parameters the renderer interpolates into the translated message; never secrets. */
export type ErrorParams = Record<string, string | number | boolean | null>;

export interface ContractError {
  kind: ErrorKind;
  /** Stable code the renderer translates (`errors.<kind>.<code>` in i18n). */
  code: string;
  params?: ErrorParams;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractError };

declare const resultType: unique symbol;

/** One callable entry: its argument schema and (type-only) its result. */
export interface Call<A extends z.ZodType, R> {
  readonly args: A;
  /** Phantom: carries the result type, never set at run time. */
  readonly [resultType]?: R;
}

/**
 * `call(z.object({...}).strict()).returns<Value>()`. Arguments are always one object, so a
 * call can grow an optional field without breaking callers.
 */
export function call<A extends z.ZodType>(args: A): { returns<R>(): Call<A, R> } {
  return {
    returns<R>(): Call<A, R> {
      return { args };
    },
  };
}

declare const payloadType: unique symbol;

/** An event main pushes to the renderer; the payload is type-only (main is the trusted side). */
export interface EventDef<P> {
  readonly [payloadType]?: P;
}

export function event<P>(): EventDef<P> {
  return {};
}

/** A domain module: `{ search: call(...).returns<...>(), ... }`. */
export type DomainCalls = Record<string, Call<z.ZodType, unknown>>;
