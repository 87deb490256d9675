/**
 * The audit viewer's "Details" column in sentences (DESIGN.md §5–6): each audit row's details are
 * the facts the station recorded (`methodId`, `kind`, `isDefault` …); an operator reads them as
 * one sentence for the action (`audit.describe.<action>`) and one for each fact the sentence did
 * not use (`audit.detail.<key>`). A fact the catalog does not know yet is still shown, as
 * "key: value", so nothing recorded is ever hidden. Pure, so unit tests run it in Node.
 */
import type { Language } from '../../../../preload/contract';
import { translateDynamic } from '../../i18n/translate';

export type AuditDetails = Record<string, string | number | boolean | null>;

/** Facts whose values are method kinds (one, or a comma-separated list). */
const KIND_KEYS = new Set(['kind', 'methods', 'allowedMethods', 'method']);
/** Facts whose values are ISO times. */
const TIME_KEYS = new Set(['expiresAt']);

function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
}

function formatTime(language: Language, iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(language === 'sv' ? 'sv-SE' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(d);
}

/** One value in words: method kinds by name, times formatted, enumerations translated. */
function formatValue(language: Language, key: string, value: string | number | boolean): string {
  const text = String(value);
  if (KIND_KEYS.has(key)) {
    // "method" also names sign-in means that are no method kind (password, access pass).
    return text
      .split(',')
      .filter(Boolean)
      .map(
        (k) =>
          translateDynamic(language, `audit.value.${key}.${k}`) ??
          translateDynamic(language, `methods.kind.${k}`) ??
          k,
      )
      .join(', ');
  }
  if (key === 'fields') {
    return text
      .split(',')
      .filter(Boolean)
      .map((f) => translateDynamic(language, `audit.fieldNames.${f}`) ?? f)
      .join(', ');
  }
  if (TIME_KEYS.has(key)) return formatTime(language, text);
  return translateDynamic(language, `audit.value.${key}.${text}`) ?? text;
}

/**
 * The sentence for one fact the action's sentence did not use; empty when a known yes/no fact
 * has nothing to say for its value ("was not the default" is no news).
 */
function factSentence(language: Language, key: string, value: string | number | boolean): string {
  const byValue = translateDynamic(language, `audit.detail.${key}.${String(value)}`);
  if (byValue !== undefined) return byValue;
  if (typeof value === 'boolean' && translateDynamic(language, `audit.detail.${key}.${!value}`))
    return '';
  const withValue = translateDynamic(language, `audit.detail.${key}.any`, {
    value: formatValue(language, key, value),
  });
  if (withValue !== undefined) return withValue;
  return `${key}: ${formatValue(language, key, value)}.`;
}

/** Sentences describing one audit row's details, in the operator's language. */
export function describeAuditDetails(
  language: Language,
  action: string,
  details: AuditDetails,
): string {
  const facts = Object.entries(details).filter(
    (e): e is [string, string | number | boolean] => e[1] !== null && e[1] !== '',
  );
  const present = new Map(facts);
  const template = translateDynamic(language, `audit.describe.${action.replace('.', '_')}`);
  const sentences: string[] = [];
  const used = new Set<string>();
  if (template !== undefined) {
    const names = placeholders(template);
    if (names.every((n) => present.has(n))) {
      const params: Record<string, string> = {};
      for (const n of names) {
        params[n] = formatValue(language, n, present.get(n) as string | number | boolean);
        used.add(n);
      }
      sentences.push(template.replace(/\{(\w+)\}/g, (_, n: string) => params[n]));
    }
  }
  for (const [key, value] of facts) {
    if (used.has(key)) continue;
    const s = factSentence(language, key, value);
    if (s) sentences.push(s);
  }
  return sentences.join(' ');
}
