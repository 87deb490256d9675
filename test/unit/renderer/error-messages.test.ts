/**
 * Every error code the UI can receive has its own message in Swedish and English: the station's
 * codes (domain/errors.ts), the contract's own refusals, transport faults, CSV row problems, and
 * any CTAP status the station did not translate. Without it the person sees "Something went
 * wrong" and no next step.
 */
import { describe, expect, it } from 'vitest';
import {
  INTERNAL_ERROR_CODES,
  ROW_ERROR_CODES,
  STATION_ERROR_CODES,
  VALIDATION_ERROR_CODES,
} from '../../../domain/errors';
import { TRANSPORT_ERROR_CODES } from '../../../native/errors';
import type { ContractError, ErrorKind, Language } from '../../../preload/contract';
import { errorMessage, translate, translateDynamic } from '../../../renderer/src/i18n/translate';

const languages: Language[] = ['sv', 'en'];

const received: [ErrorKind, readonly string[]][] = [
  ['station', STATION_ERROR_CODES],
  ['validation', VALIDATION_ERROR_CODES],
  ['internal', INTERNAL_ERROR_CODES],
  ['transport', TRANSPORT_ERROR_CODES],
];

describe('error messages', () => {
  it.each(received)('every %s code has its own message in sv and en', (kind, codes) => {
    expect(codes.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const language of languages) {
      const generic = translate(language, 'errors.generic');
      for (const code of codes) {
        const own = translateDynamic(language, `errors.${kind}.${code}`);
        const shown = errorMessage(language, { kind, code });
        if (own === undefined || shown === generic) missing.push(`${language} ${kind}.${code}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('the Swedish message is a translation, not the English text', () => {
    const same = received.flatMap(([kind, codes]) =>
      codes.filter(
        (code) =>
          translateDynamic('sv', `errors.${kind}.${code}`) ===
          translateDynamic('en', `errors.${kind}.${code}`),
      ),
    );
    expect(same).toEqual([]);
  });

  it('every CSV row problem has a message in sv and en', () => {
    for (const language of languages) {
      for (const code of ROW_ERROR_CODES) {
        const key = `roster.rowErrors.${code.replace(/^row\./, '')}`;
        expect(translateDynamic(language, key), `${language} ${key}`).toBeTypeOf('string');
      }
    }
  });

  it('an untranslated CTAP status gets the key message, an unknown kind the generic one', () => {
    const ctap: ContractError = { kind: 'ctap', code: 'CTAP2_ERR_VENDOR_FIRST', params: {} };
    for (const language of languages) {
      expect(errorMessage(language, ctap)).toBe(translate(language, 'errors.ctap.default'));
      expect(errorMessage(language, { kind: 'station', code: 'no.suchCode' })).toBe(
        translate(language, 'errors.generic'),
      );
    }
  });

  it('parameters are filled in', () => {
    expect(
      errorMessage('sv', { kind: 'station', code: 'csv.missingColumn', params: { column: 'upn' } }),
    ).toContain('upn');
    expect(
      errorMessage('en', { kind: 'station', code: 'pin.tooShort', params: { min: 8 } }),
    ).toContain('8');
  });
});
