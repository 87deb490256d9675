/**
 * Kiosk mode (DESIGN.md §3.8) over the station's StationAccess (main/station/access.ts): entering it
 * signs the operator out; a person signs in with UPN + temporary access pass; "done", "idle"
 * and "cancel" clear the station session; an operator's password or key leaves kiosk mode.
 */
import type { StationAccess } from '../station/access';
import { toContractMethod } from './convert';
import type { DomainHandlers } from './dispatch';
import { keyProgress } from './operator';

export function kioskHandlers(access: StationAccess): DomainHandlers<'kiosk'> {
  return {
    start: () => access.startKiosk(),
    signIn: ({ upn, pass }) => access.kioskSignIn(upn, pass),
    finish: ({ reason }) => access.finishKioskSession(reason),
    stillHere: () => access.stillHere(),
    unlockWithPassword: ({ username, password }, ctx) =>
      access.unlockKioskWithPassword(username, password, ctx.client),
    unlockWithKey: ({ username, pin }, ctx) =>
      access.unlockKioskWithKey(username, pin, keyProgress(ctx, 'operator-sign-in')),
    // Staff confirm a kiosk person's phone or email without leaving kiosk mode.
    async confirmContactWithPassword({ enrollmentId, method, username, password }, ctx) {
      return toContractMethod(
        await access.confirmContactAtKiosk(enrollmentId, method, {
          kind: 'password',
          username,
          password,
          client: ctx.client,
        }),
      );
    },
    async confirmContactWithKey({ enrollmentId, method, username, pin }, ctx) {
      return toContractMethod(
        await access.confirmContactAtKiosk(enrollmentId, method, {
          kind: 'key',
          username,
          pin,
          progress: keyProgress(ctx, 'operator-confirm'),
        }),
      );
    },
  };
}
