/** Any error → exit code and one plain message (never a stack). */
import { KeyCapabilityError } from '../client/keyManager';
import { CtapError } from '../ctap2/status';
import { TransportError } from '../errors';
import { UsageError } from './args';
import { capabilityMessage, ctapErrorMessage, transportErrorMessage } from './messages';
import { CliInputError } from './pinInput';
import type { PinRules } from '../client/keyManager';

export function errorExitCode(e: unknown): number {
  if (e instanceof UsageError || e instanceof CliInputError || e instanceof KeyCapabilityError)
    return 1;
  if (e instanceof CtapError) return 2;
  if (e instanceof TransportError) return 3;
  return 4;
}

export function errorMessage(e: unknown, rules?: PinRules): string {
  if (e instanceof UsageError || e instanceof CliInputError) return e.message;
  if (e instanceof KeyCapabilityError) return capabilityMessage(e);
  if (e instanceof CtapError) return ctapErrorMessage(e, rules);
  if (e instanceof TransportError) return transportErrorMessage(e);
  return `Unexpected error: ${(e as Error)?.message ?? String(e)}`;
}
