/**
 * Kiosk mode on the server (SPEC §3.8): entering it signs the operator out; a person signs in
 * with UPN + temporary access pass; "done", "idle" and "cancel" clear the station session so
 * nothing of theirs is reachable afterwards; an operator's password or key leaves kiosk mode.
 */
import { StationError, type Station } from '../station';
import type { DomainHandlers } from './dispatch';
import {
  refuseDemoOperator,
  signInOperatorWithKey,
  type OperatorKeySource,
  type StationAccess,
} from './operator';
import { personVisible } from './station-mode';

function auditKiosk(station: Station, on: boolean): void {
  station.context.db.transaction(() =>
    station.audit.append('settings.changed', null, { key: 'kiosk', value: on }),
  )();
}

export function kioskHandlers(
  station: Station,
  access: StationAccess,
  keys: OperatorKeySource | undefined,
): DomainHandlers<'kiosk'> {
  function requireKiosk(): void {
    if (!access.kiosk()) throw new StationError('session.forbidden');
  }

  function leaveKiosk() {
    access.settings.update({ kiosk: false });
    auditKiosk(station, false);
    access.touch();
    return access.status();
  }

  return {
    start() {
      if (!access.firstRunComplete()) throw new StationError('session.operatorRequired');
      station.session.assertOperator();
      // Recorded with the operator as actor, then the operator is signed out.
      auditKiosk(station, true);
      access.settings.update({ kiosk: true });
      station.auth.signOut();
      return access.status();
    },

    signIn({ upn, pass }) {
      requireKiosk();
      // The demo people's pass is public: a production station answers as for a wrong pass.
      if (!personVisible(access.mode(), upn.trim())) throw new StationError('pass.invalid');
      station.auth.signInWithPass(upn, pass);
      access.touch();
      return access.status();
    },

    finish({ reason }) {
      // Whatever the reason, the person's session ends here; the renderer reloads itself.
      access.endPersonSession(reason);
      return access.status();
    },

    stillHere() {
      access.touch();
      return { idleSeconds: access.kioskIdleSeconds() };
    },

    unlockWithPassword({ username, password }) {
      requireKiosk();
      refuseDemoOperator(access, username);
      station.auth.signInOperator(username, password);
      return leaveKiosk();
    },

    async unlockWithKey({ username, pin }, ctx) {
      requireKiosk();
      await signInOperatorWithKey(station, keys, access, username, pin, ctx);
      return leaveKiosk();
    },
  };
}
