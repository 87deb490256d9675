/** Any error → exit code and one plain message (never a stack). */
import { KeyCapabilityError } from '../client/keyManager';
import { MdsBlobError } from '../client/mds';
import { CtapError } from '../ctap2/status';
import { TransportError } from '../errors';
import { UsageError } from './args';
import { capabilityMessage, ctapErrorMessage, transportErrorMessage } from './messages';
import { CliInputError } from './pinInput';
import type { PinRules } from '../client/keyManager';

export function errorExitCode(e: unknown): number {
  if (
    e instanceof UsageError ||
    e instanceof CliInputError ||
    e instanceof KeyCapabilityError ||
    e instanceof MdsBlobError
  )
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
  if (e instanceof MdsBlobError) return mdsMessage(e);
  return `Unexpected error: ${(e as Error)?.message ?? String(e)}`;
}

function mdsMessage(e: MdsBlobError): string {
  switch (e.reason) {
    case 'format':
      return `The --mds file is not a FIDO metadata BLOB (${e.message}).`;
    case 'root':
      return `The --mds-root file is not a usable root certificate (${e.message}).`;
    case 'chain':
      return 'The metadata BLOB is not signed under the given root (or the FIDO Alliance roots without --mds-root).';
    case 'signature':
      return "The metadata BLOB's signature does not match its content: the file was changed.";
  }
}
