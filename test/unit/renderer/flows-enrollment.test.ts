/**
 * The method flows' pieces without a browser or a station: the `enrollment` contract's
 * argument schemas and the renderer's pure helpers (answer checks, error wording, country
 * list). The entries themselves run through the real host in
 * test/integration/api/enrollment.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { contract } from '../../../preload/contract';
import { flowErrorMessage, cleanCode } from '../../../renderer/src/components/FlowParts';
import { countryOptions } from '../../../renderer/src/flows/phone/countries';
import {
  answerLength,
  checkAnswers,
} from '../../../renderer/src/flows/securityQuestions/SecurityQuestionsFlow';
import type { I18n } from '../../../renderer/src/i18n/I18nProvider';
import { errorMessage, translateDynamic } from '../../../renderer/src/i18n/translate';

describe('enrollment contract: argument schemas', () => {
  it('schemas refuse odd shapes before any handler runs', () => {
    const e = contract.enrollment;
    expect(
      e.phoneBegin.args.safeParse({
        personId: '1',
        kind: 'phoneSms',
        number: '070',
        country: 'se',
        delivery: 'gateway',
      }).success,
    ).toBe(false);
    expect(
      e.phoneBegin.args.safeParse({
        personId: '1',
        kind: 'email',
        number: '070',
        delivery: 'gateway',
      }).success,
    ).toBe(false);
    expect(e.appComplete.args.safeParse({ enrollmentId: 'x', code: '1'.repeat(33) }).success).toBe(
      false,
    );
    expect(e.appBegin.args.safeParse({ personId: '1', extra: true }).success).toBe(false);
    expect(
      e.questionsRegister.args.safeParse({
        personId: '1',
        answers: Array.from({ length: 21 }, () => ({ questionId: 'q', answer: 'abc' })),
      }).success,
    ).toBe(false);
  });
});

describe('renderer helpers', () => {
  const bank = { answerMin: 3, answerMax: 40 };
  it('checks answers like main does: count, duplicates, normalized duplicates', () => {
    expect(answerLength('  Stora   Torget ')).toBe('Stora Torget'.length);
    expect(checkAnswers([{ questionId: 'a', answer: 'abc' }], bank)).toBeNull();
    expect(checkAnswers([{ questionId: '', answer: 'abc' }], bank)?.code).toBe('questionMissing');
    expect(
      checkAnswers(
        [
          { questionId: 'a', answer: 'abc' },
          { questionId: 'a', answer: 'def' },
        ],
        bank,
      )?.code,
    ).toBe('questions.duplicateQuestion');
    expect(checkAnswers([{ questionId: 'a', answer: ' ab ' }], bank)?.code).toBe(
      'questions.answerLength',
    );
    expect(checkAnswers([{ questionId: 'a', answer: 'x'.repeat(41) }], bank)?.code).toBe(
      'questions.answerLength',
    );
    expect(
      checkAnswers(
        [
          { questionId: 'a', answer: 'Kalle  Katt' },
          { questionId: 'b', answer: 'kalle katt' },
        ],
        bank,
      )?.code,
    ).toBe('questions.duplicateAnswer');
  });

  function i18nFor(language: 'sv' | 'en'): I18n {
    return {
      language,
      chosen: language,
      setLanguage: () => {},
      t: () => '',
      tDynamic: (key, fallback, params) => translateDynamic(language, key, params) ?? fallback,
      error: (e) => errorMessage(language, e),
      formatDate: () => '',
      formatDateTime: () => '',
      formatNumber: String,
    };
  }

  it('words errors with the next step, plurals from attemptsLeft, a generic fallback', () => {
    const sv = i18nFor('sv');
    const en = i18nFor('en');
    expect(
      flowErrorMessage(en, { kind: 'station', code: 'code.invalid', params: { attemptsLeft: 1 } }),
    ).toContain('1 try left');
    expect(
      flowErrorMessage(en, { kind: 'station', code: 'code.invalid', params: { attemptsLeft: 3 } }),
    ).toContain('3 tries left');
    const limit = flowErrorMessage(sv, {
      kind: 'station',
      code: 'method.limitReached',
      params: { limit: 5 },
    });
    expect(limit).toContain('5 autentiseringsappar');
    expect(limit).toContain('administratör');
    expect(flowErrorMessage(en, { kind: 'station', code: 'no.such.code' })).toBe(
      errorMessage('en', { kind: 'station', code: 'no.such.code' }),
    );
  });

  it('country picker: Sweden first, names in the UI language; codes typed with spaces', () => {
    expect(countryOptions('sv')[0]).toEqual({ code: 'SE', label: 'Sverige (+46)' });
    expect(countryOptions('en')[0]).toEqual({ code: 'SE', label: 'Sweden (+46)' });
    expect(countryOptions('en').find((c) => c.code === 'NO')?.label).toBe('Norway (+47)');
    expect(cleanCode(' 123 456 ')).toBe('123456');
  });
});
