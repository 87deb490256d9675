import { describe, expect, it } from 'vitest';
import { methodKinds } from '../../../preload/contract';
import en from '../../../renderer/src/i18n/en.json';
import sv from '../../../renderer/src/i18n/sv.json';
import {
  detectLanguage,
  errorMessage,
  leafKeys,
  translate,
  translateDynamic,
} from '../../../renderer/src/i18n/translate';

function placeholders(catalog: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of leafKeys(catalog)) {
    const value = key
      .split('.')
      .reduce<unknown>((n, k) => (n as Record<string, unknown>)[k], catalog);
    out.set(
      key,
      [...String(value).matchAll(/\{(\w+)\}/g)]
        .map((m) => m[1])
        .sort()
        .join(','),
    );
  }
  return out;
}

describe('i18n catalogs', () => {
  it('sv and en have exactly the same keys', () => {
    const svKeys = leafKeys(sv).sort();
    const enKeys = leafKeys(en).sort();
    expect(
      svKeys.filter((k) => !enKeys.includes(k)),
      'missing in en.json',
    ).toEqual([]);
    expect(
      enKeys.filter((k) => !svKeys.includes(k)),
      'missing in sv.json',
    ).toEqual([]);
  });

  it('every message is non-empty and uses the same placeholders in both languages', () => {
    const svP = placeholders(sv);
    const enP = placeholders(en);
    for (const [key, names] of svP) {
      expect(enP.get(key), key).toBe(names);
    }
    for (const key of leafKeys(sv)) expect(translateDynamic('sv', key)?.trim(), key).toBeTruthy();
    for (const key of leafKeys(en)) expect(translateDynamic('en', key)?.trim(), key).toBeTruthy();
  });

  it('names every method kind in both languages', () => {
    for (const kind of methodKinds) {
      expect(translateDynamic('sv', `methods.kind.${kind}`), kind).toBeTruthy();
      expect(translateDynamic('en', `methods.kind.${kind}`), kind).toBeTruthy();
    }
  });

  it('the Security info page title is the one people know (DESIGN.md §3.1)', () => {
    expect(translate('sv', 'securityInfo.title')).toBe('Säkerhetsinformation');
    expect(translate('en', 'securityInfo.title')).toBe('Security info');
  });
});

describe('translate', () => {
  it('interpolates and picks plural forms', () => {
    expect(translate('sv', 'people.results', { count: 1 })).toBe('1 person');
    expect(translate('sv', 'people.results', { count: 3 })).toBe('3 personer');
    expect(translate('en', 'people.methodCount', { count: 0 })).toBe('0 methods');
    expect(translate('en', 'common.stepOf', { current: 2, total: 5 })).toBe('Step 2 of 5');
  });
  it('translates contract errors, with a generic fallback for unknown codes', () => {
    expect(errorMessage('sv', { kind: 'station', code: 'person.notFound' })).toBe(
      'Personen finns inte i registret.',
    );
    expect(errorMessage('en', { kind: 'station', code: 'no.such.code' })).toBe(
      translate('en', 'errors.generic'),
    );
    expect(
      errorMessage('en', {
        kind: 'validation',
        code: 'invalidArguments',
        params: { path: 'query' },
      }),
    ).toContain('query');
  });
  it('follows the OS / browser locale, English otherwise', () => {
    expect(detectLanguage(['sv-SE', 'en-US'])).toBe('sv');
    expect(detectLanguage(['en-GB', 'sv'])).toBe('en');
    expect(detectLanguage(['fi-FI', 'sv-FI'])).toBe('sv');
    expect(detectLanguage(['de-DE'])).toBe('en');
    expect(detectLanguage([])).toBe('en');
  });
});

describe('audit actions', () => {
  it('every audit action the station writes has a name in both languages', async () => {
    const { AUDIT_ACTIONS } = await import('../../../main/station/audit');
    for (const action of AUDIT_ACTIONS) {
      const key = `audit.actions.${action.replace('.', '_')}`;
      expect(translateDynamic('sv', key), key).toBeTruthy();
      expect(translateDynamic('en', key), key).toBeTruthy();
    }
  });
});
