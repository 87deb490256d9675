/**
 * Message lookup, interpolation and plurals; pure so unit tests run it in Node.
 * Messages are nested JSON; a key is a dotted path. `{name}` placeholders are filled from
 * params; an object with `one`/`other` (Intl.PluralRules categories) is chosen by `count`.
 */
import type { ContractError, Language } from '../../../preload/contract';
import en from './en.json';
import sv from './sv.json';

export type Messages = typeof sv;
export const catalogs: Record<Language, Messages> = { sv, en };

/** Dotted paths of the catalog; plural groups count as one key. */
type Leaf = string | { one: string; other: string };
type Paths<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends Leaf
    ? `${P}${K}`
    : T[K] extends object
      ? Paths<T[K], `${P}${K}.`>
      : never;
}[keyof T & string];
export type MessageKey = Paths<Messages>;

export type MessageParams = Record<string, string | number | boolean | null | undefined>;

function lookup(catalog: unknown, key: string): unknown {
  let node: unknown = catalog;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function interpolate(template: string, params: MessageParams | undefined): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params?.[name];
    return value === undefined || value === null ? whole : String(value);
  });
}

/** Translate a key that may be built at run time (error codes); undefined when missing. */
export function translateDynamic(
  language: Language,
  key: string,
  params?: MessageParams,
): string | undefined {
  const node = lookup(catalogs[language], key);
  if (typeof node === 'string') return interpolate(node, params);
  if (typeof node === 'object' && node !== null && 'other' in node) {
    const forms = node as Record<string, string>;
    const count = Number(params?.count ?? 0);
    const category = new Intl.PluralRules(language).select(count);
    return interpolate(forms[category] ?? forms.other, params);
  }
  return undefined;
}

export function translate(language: Language, key: MessageKey, params?: MessageParams): string {
  return translateDynamic(language, key, params) ?? key;
}

/**
 * The message for a contract error: `errors.<kind>.<code>`, else the kind's own default (a CTAP
 * status the station did not translate), else a generic message.
 */
export function errorMessage(language: Language, error: ContractError): string {
  return (
    translateDynamic(language, `errors.${error.kind}.${error.code}`, error.params) ??
    translateDynamic(language, `errors.${error.kind}.default`, error.params) ??
    translate(language, 'errors.generic')
  );
}

/** The first supported language in the OS / browser preference list; English otherwise. */
export function detectLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'sv') return 'sv';
    if (base === 'en') return 'en';
    // Norwegian and Danish readers understand Swedish better than English UI text.
    if (base === 'nb' || base === 'nn' || base === 'no' || base === 'da') return 'sv';
  }
  return 'en';
}

/** Every dotted leaf key of a nested catalog (the key-parity test uses it). */
export function leafKeys(catalog: unknown, prefix = ''): string[] {
  if (typeof catalog !== 'object' || catalog === null) return [prefix];
  const entries = Object.entries(catalog as Record<string, unknown>);
  return entries.flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}
