import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStation, type OpenStationOptions, type Station } from '../../../main/station/index';
import type { MessageGateway, OutgoingMessage } from '../../../main/station/messaging';
import type { PersonId } from '../../../main/station/types';
import { stationContext } from '../../../main/station/internals';

/** A clock tests can move. */
export class TestClock {
  constructor(public ms = Date.parse('2026-03-02T09:00:00.000Z')) {}
  now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** Records what would have been sent. */
export class RecordingGateway implements MessageGateway {
  readonly kind = 'recording';
  readonly sent: OutgoingMessage[] = [];
  async send(m: OutgoingMessage): Promise<void> {
    this.sent.push(m);
  }
  lastCode(): string {
    const m = this.sent[this.sent.length - 1];
    const code = m?.text.match(/\d(?: ?\d){5}/)?.[0];
    if (!code) throw new Error('no code sent');
    return code.replace(/ /g, '');
  }
}

export interface TestStation {
  station: Station;
  clock: TestClock;
  gateway: RecordingGateway;
  dir: string;
  close(): void;
}

export function makeStation(opts: Partial<OpenStationOptions> = {}): TestStation {
  const dir = mkdtempSync(join(tmpdir(), 'ks-station-'));
  const clock = new TestClock();
  const gateway = new RecordingGateway();
  const station = openStation({ dataDir: dir, clock: clock.now, messageGateway: gateway, ...opts });
  return {
    station,
    clock,
    gateway,
    dir,
    close() {
      try {
        station.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

let n = 0;
export function addPerson(station: Station, name = `Person ${++n}`): PersonId {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '.');
  return station.people.create({ upn: `${slug}.${++n}@example.org`, displayName: name }).id;
}

/** Inserts a verified method directly, as an enrollment's final transaction would. */
export function insertMethod(
  station: Station,
  personId: PersonId,
  kind: Parameters<Station['methods']['insert']>[1]['kind'],
  detail = '',
): number {
  return stationContext(station).db.transaction(() =>
    station.methods.insert(personId, {
      kind,
      label: kind,
      detail:
        detail ||
        (kind === 'phoneSms' || kind === 'phoneCall'
          ? '+46701234567'
          : kind === 'email'
            ? 'x@example.com'
            : ''),
    }),
  )();
}
