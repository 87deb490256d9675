/**
 * Search keys for people (search-as-you-type, DESIGN.md §3.7): lower-case, diacritics removed, so
 * "åsa örn", "ASA ORN" and "Åsa Örn" all find Åsa Örn. Stored in indexed columns; prefix
 * range scans on them cost O(log n) however many people the roster holds.
 */
const SPECIAL: Readonly<Record<string, string>> = {
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ß: 'ss',
  đ: 'd',
  ł: 'l',
  þ: 'th',
  ð: 'd',
  ı: 'i',
};

export function foldForSearch(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[øæœßđłþðı]/g, (c) => SPECIAL[c] ?? c)
    .replace(/[^\p{L}\p{N}@.]+/gu, ' ')
    .trim()
    .replace(/\s+/g, ' ');
}

/** `name`: the display name folded; `sort`: its last word first ("svensson anna"). */
export function searchKeys(displayName: string): { name: string; sort: string } {
  const name = foldForSearch(displayName).replace(/[@.]/g, ' ').replace(/\s+/g, ' ').trim();
  const words = name.split(' ');
  const sort = words.length > 1 ? [words[words.length - 1], ...words.slice(0, -1)].join(' ') : name;
  return { name, sort };
}
