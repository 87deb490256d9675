/**
 * The "Provision keys" page's contract entries (docs/PROVISIONING.md "In the operator console"):
 * each validates its arguments (the contract did), calls one station method and maps the result.
 * Staff only (main/api/authorization.ts).
 */
import type { BoardView, ReadyPersonView } from '../../preload/contract';
import type { Station } from '../station';
import {
  RESET_WINDOW_SECONDS,
  type DeskView,
  type ProvisioningDesk,
} from '../station/provisioning/desk';
import type { DomainHandlers } from './dispatch';

function board(v: DeskView): BoardView {
  return {
    run: v.run && {
      ...v.run,
      settings: { ...v.run.settings },
      counts: { ...v.run.counts },
      keys: v.run.keys.map((k) => ({ ...k })),
      people: v.run.people.map((p) => ({ ...p })),
    },
    interrupted: v.interrupted && { ...v.interrupted },
    resetWindowSeconds: RESET_WINDOW_SECONDS,
  };
}

export function provisioningHandlers(
  station: Station,
  desk: ProvisioningDesk,
): DomainHandlers<'provisioning'> {
  return {
    importOptions({ text }) {
      const r = station.provisioning.importOptions(text);
      return { ...r, errors: r.errors.map((e) => ({ ...e })) };
    },
    ready() {
      const people: ReadyPersonView[] = station.provisioning.readyPeople().map((p) => ({
        ...p,
        personId: String(p.personId),
      }));
      return { people };
    },
    start({ personIds, settings }) {
      return board(desk.start(personIds ? personIds.map(Number) : null, settings));
    },
    resume() {
      return board(desk.resume());
    },
    board() {
      return board(desk.view());
    },
    end() {
      return board(desk.end());
    },
    takeSlips({ language }) {
      return desk.takeSlips(language);
    },
    registrations() {
      return desk.registrations();
    },
  };
}
