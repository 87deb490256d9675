/**
 * StationError: a domain rule was not met (docs/DESIGN.md §10.3). The renderer
 * shows a message from i18n for each `code`, filling `{param}` placeholders from `params`;
 * it never shows `message` (which is English, for logs and tests only, and never holds a secret).
 */
import type { RowErrorCode, StationErrorCode } from '../../domain/errors';

export { STATION_ERROR_CODES, ROW_ERROR_CODES } from '../../domain/errors';
export type { StationErrorCode, RowErrorCode } from '../../domain/errors';

export type StationErrorParams = Readonly<Record<string, string | number | boolean>>;

export class StationError extends Error {
  override readonly name = 'StationError';
  constructor(
    readonly code: StationErrorCode,
    readonly params: StationErrorParams = {},
    message?: string,
  ) {
    super(message ?? code);
  }

  /** Plain object for IPC / the browser host (Error instances don't survive structured clone). */
  toJSON(): { name: 'StationError'; code: StationErrorCode; params: StationErrorParams } {
    return { name: 'StationError', code: this.code, params: this.params };
  }
}

export function isStationError(e: unknown, code?: StationErrorCode): e is StationError {
  return e instanceof StationError && (code === undefined || e.code === code);
}

/**
 * Per-row problems in CSV imports (roster, OATH tokens). Rows are reported, never thrown, so
 * an operator sees every problem at once.
 */
export interface RowError {
  /** 1-based line number in the file (the header is line 1). */
  readonly line: number;
  readonly code: RowErrorCode;
  readonly params?: StationErrorParams;
}
