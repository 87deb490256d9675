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

/** One CSV field; formula-leading characters are prefixed so a spreadsheet never runs them. */
export function csvField(value: string | number | boolean | null | undefined): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  return values.map(csvField).join(',');
}
