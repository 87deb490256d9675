/**
 * Maps what a handler throws to the contract's typed error (DESIGN.md §10.3: three
 * error kinds, never mixed; the renderer translates `kind` + `code`, never shows a stack).
 */
import type { ZodError } from 'zod';
import type { ContractError, ErrorParams } from '../../preload/contract';
import { classifyError } from '../station/errorKinds';

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
  const c = classifyError(e);
  switch (c.kind) {
    case 'station': {
      const params = primitiveParams(c.params);
      return params ? { kind: 'station', code: c.code, params } : { kind: 'station', code: c.code };
    }
    case 'ctap': {
      const params: ErrorParams = { status: c.status };
      if (c.command !== undefined) params.command = c.command;
      return { kind: 'ctap', code: c.code, params };
    }
    case 'transport':
      return { kind: 'transport', code: c.code };
    default:
      return { kind: 'internal', code: 'unexpected' };
  }
}
