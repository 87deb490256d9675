import { stringify } from 'csv-stringify/sync';
import { StationError } from './errors';

/**
 * RFC 4180 CSV, enough for roster and token files from spreadsheets: quoted fields, doubled
 * quotes, CRLF or LF, a UTF-8 BOM, and `,` or `;` (Swedish Excel) as separator.
 */
export interface CsvTable {
  readonly header: string[];
  /** Data rows with their 1-based line number in the file (header = line 1). */
  readonly rows: { line: number; cells: string[] }[];
}

export function parseCsv(text: string): CsvTable {
  if (typeof text !== 'string') return { header: [], rows: [] };
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const firstLineEnd = src.search(/\r?\n/);
  const firstLine = firstLineEnd === -1 ? src : src.slice(0, firstLineEnd);
  const sep = !firstLine.includes(',') && firstLine.includes(';') ? ';' : ',';
  // Scans with native indexOf / sticky regex instead of char by char: a 100 000-row roster
  // parses in a fraction of a second.
  const fieldEnd = sep === ',' ? /[,\r\n]/g : /[;\r\n]/g;
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let pos = 0;
  let line = 1;
  let recordLine = 1;
  const n = src.length;
  const endRecord = (): void => {
    records.push({ line: recordLine, cells });
    cells = [];
  };
  while (pos < n) {
    let value: string;
    if (src.charCodeAt(pos) === 34 /* " */) {
      let end = pos + 1;
      let chunk = '';
      for (;;) {
        const q = src.indexOf('"', end);
        if (q === -1) {
          chunk += src.slice(end);
          end = n;
          break;
        }
        chunk += src.slice(end, q);
        if (src.charCodeAt(q + 1) === 34) {
          chunk += '"';
          end = q + 2;
        } else {
          end = q + 1;
          break;
        }
      }
      for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) line++;
      // Anything between the closing quote and the separator is kept (lenient, like Excel).
      fieldEnd.lastIndex = end;
      const m = fieldEnd.exec(src);
      const stop = m ? m.index : n;
      value = chunk + src.slice(end, stop);
      pos = stop;
    } else {
      fieldEnd.lastIndex = pos;
      const m = fieldEnd.exec(src);
      const stop = m ? m.index : n;
      value = src.slice(pos, stop);
      pos = stop;
    }
    cells.push(value);
    if (pos >= n) break;
    const c = src.charCodeAt(pos);
    if (c === 13 /* \r */ || c === 10 /* \n */) {
      pos += c === 13 && src.charCodeAt(pos + 1) === 10 ? 2 : 1;
      endRecord();
      line++;
      recordLine = line;
    } else {
      pos++; // separator
      if (pos >= n) cells.push('');
    }
  }
  if (cells.length > 0) endRecord();
  const nonEmpty = records.filter((r) => !(r.cells.length === 1 && r.cells[0].trim() === ''));
  const [head, ...rows] = nonEmpty;
  return { header: head ? head.cells.map((h) => h.trim().toLowerCase()) : [], rows };
}

/**
 * The column index of a file whose header names the `required` columns (of all `known` ones).
 * A first line naming none of the known columns is data, not a header: the operator is told the
 * header row is missing and which columns it needs, not that one column is missing.
 */
export function headerColumns(
  table: CsvTable,
  required: readonly string[],
  known: readonly string[],
): Map<string, number> {
  if (table.header.length === 0) throw new StationError('csv.empty');
  const col = new Map(table.header.map((h, i) => [h, i]));
  if (!known.some((c) => col.has(c))) {
    throw new StationError('csv.noHeader', { columns: known.join(', ') });
  }
  for (const c of required)
    if (!col.has(c)) throw new StationError('csv.missingColumn', { column: c });
  return col;
}

/** Characters a spreadsheet treats as the start of a formula (OWASP "CSV injection"). */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);
/** Where a reader may start a new cell: either separator, a line break, or a quote. */
const CELL_START = new Set([',', ';', '\t', '\r', '\n', '"']);

/**
 * Prefixes `'` to every place a spreadsheet could start a live cell: the start of the value and
 * each point after a separator, line break or quote (spaces skipped). Quoting alone is not
 * enough: a Swedish Excel opens a `,` file with `;` as separator (and the reverse), and then a
 * quoted `x;=HYPERLINK(…)` splits into a live second cell.
 */
export function neutraliseFormulas(value: string): string {
  let out = '';
  let atStart = true;
  for (const ch of value) {
    if (atStart && FORMULA_START.has(ch)) out += "'";
    out += ch;
    if (CELL_START.has(ch)) atStart = true;
    else if (ch !== ' ') atStart = false;
  }
  return out;
}

type CsvValue = string | number | boolean | null | undefined;

/**
 * One CSV line (no line break) by csv-stringify: every value neutralised, every field holding
 * either separator, a quote, a tab or a line break quoted.
 */
export function csvLine(values: readonly CsvValue[], opts: { quoteAll?: boolean } = {}): string {
  const record = values.map((v) =>
    neutraliseFormulas(v === null || v === undefined ? '' : String(v)),
  );
  return stringify([record], {
    delimiter: ',',
    record_delimiter: '',
    quoted: opts.quoteAll ?? false,
    quoted_match: /[;,"\t\r\n]/,
    eof: false,
  });
}

/** A whole CSV document, CRLF line ends (what spreadsheets write). */
export function csvDocument(
  rows: readonly (readonly CsvValue[])[],
  opts: { quoteAll?: boolean } = {},
): string {
  return rows.map((r) => `${csvLine(r, opts)}\r\n`).join('');
}
