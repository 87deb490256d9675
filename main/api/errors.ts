/**
 * Maps what a handler throws to the contract's typed error (ARCHITECTURE.md example 5: three
 * error kinds, never mixed; the renderer translates `kind` + `code`, never shows a stack).
 */
import type { ZodError } from 'zod';
import { CtapError } from '../../native/ctap2/status';
import { TransportError } from '../../native/errors';
import type { ContractError, ErrorParams } from '../../preload/contract';

/** Keep only primitive params: a message parameter must never smuggle an object (or a secret). */
function primitiveParams(value: unknown): ErrorParams | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const out: ErrorParams = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      out[k] = v;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * main/station's StationError: recognised by shape (name + string code) so this module does not
 * depend on where the station keeps its error class.
 */
function isStationError(e: unknown): e is Error & { code: string; params?: unknown } {
  return (
    e instanceof Error &&
    e.name === 'StationError' &&
    typeof (e as { code?: unknown }).code === 'string'
  );
}

export function validationError(error: ZodError): ContractError {
  const first = error.issues[0];
  // Path and issue code only: the offending value may be a PIN or an answer.
  return {
    kind: 'validation',
    code: 'invalidArguments',
    params: {
      path: first ? first.path.map(String).join('.') || '(root)' : '(root)',
      issue: first ? first.code : 'invalid',
      issues: error.issues.length,
    },
  };
}

export function toContractError(e: unknown): ContractError {
  if (isStationError(e)) {
    const params = primitiveParams(e.params);
    return params ? { kind: 'station', code: e.code, params } : { kind: 'station', code: e.code };
  }
  if (e instanceof CtapError) {
    const params: ErrorParams = { status: e.code };
    if (e.command !== undefined) params.command = e.command;
    return { kind: 'ctap', code: e.status, params };
  }
  if (e instanceof TransportError) {
    return { kind: 'transport', code: e.code };
  }
  return { kind: 'internal', code: 'unexpected' };
}
