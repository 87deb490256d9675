/**
 * authenticatorSelection (CTAP 2.1 §6.9): the platform asks the person to touch the key they want.
 */
import { CtapCommand } from '../../ctap2/commands';
import { KeySession } from './session';

export async function selection(session: KeySession, signal: AbortSignal): Promise<undefined> {
  await session.presence(CtapCommand.selection, signal);
  return undefined;
}
