/**
 * Operator sign-in, first run and the station's access state (DESIGN.md §3.7) over the station's
 * StationAccess and OperatorKeyCeremonies (main/station/access.ts, main/station/operatorKeys.ts).
 */
import type { StationAccess } from '../station/access';
import type { KeyProgress, OperatorKeyCeremonies } from '../station/operatorKeys';
import type { CallContext, DomainHandlers } from './dispatch';

export type { StationAccess } from '../station/access';

/** Keepalives of the key ceremony, to the renderer that asked ("touch your key"). */
export function keyProgress(ctx: CallContext, operationId: string): KeyProgress {
  return (status) => ctx.emit('key.keepalive', { operationId, status });
}

export function operatorHandlers(
  access: StationAccess,
  operatorKeys: OperatorKeyCeremonies,
): DomainHandlers<'operator'> {
  return {
    status: () => access.status(),
    setup: (input) => access.setUp(input),
    signInWithPassword: ({ username, password }, ctx) =>
      access.signInWithPassword(username, password, ctx.client),
    liftLockout: ({ username }) => access.liftOperatorLockout(username),
    signInWithKey: ({ username, pin }, ctx) =>
      access.signInWithKey(username, pin, keyProgress(ctx, 'operator-sign-in')),
    keyStatus: () => operatorKeys.status(),
    registerKey: ({ pin, name }, ctx) =>
      access.registerOperatorKey(pin, name, keyProgress(ctx, 'operator-key-registration')),
    signOut: () => access.signOut(),
  };
}
