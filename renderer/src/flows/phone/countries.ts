/**
 * The country picker's list: ISO 3166 alpha-2 → calling code. Names come from
 * Intl.DisplayNames in the UI language; main parses and validates the number
 * (libphonenumber-js), so this list only helps people type a local number.
 */
export const PHONE_COUNTRIES: readonly { code: string; callingCode: string }[] = [
  { code: 'SE', callingCode: '46' },
  { code: 'NO', callingCode: '47' },
  { code: 'DK', callingCode: '45' },
  { code: 'FI', callingCode: '358' },
  { code: 'IS', callingCode: '354' },
  { code: 'EE', callingCode: '372' },
  { code: 'LV', callingCode: '371' },
  { code: 'LT', callingCode: '370' },
  { code: 'DE', callingCode: '49' },
  { code: 'PL', callingCode: '48' },
  { code: 'NL', callingCode: '31' },
  { code: 'BE', callingCode: '32' },
  { code: 'FR', callingCode: '33' },
  { code: 'ES', callingCode: '34' },
  { code: 'IT', callingCode: '39' },
  { code: 'PT', callingCode: '351' },
  { code: 'AT', callingCode: '43' },
  { code: 'CH', callingCode: '41' },
  { code: 'IE', callingCode: '353' },
  { code: 'GB', callingCode: '44' },
  { code: 'US', callingCode: '1' },
  { code: 'CA', callingCode: '1' },
  { code: 'IN', callingCode: '91' },
  { code: 'CN', callingCode: '86' },
  { code: 'JP', callingCode: '81' },
  { code: 'AU', callingCode: '61' },
  { code: 'TR', callingCode: '90' },
  { code: 'UA', callingCode: '380' },
  { code: 'IR', callingCode: '98' },
  { code: 'IQ', callingCode: '964' },
  { code: 'SY', callingCode: '963' },
  { code: 'SO', callingCode: '252' },
  { code: 'ER', callingCode: '291' },
];

/** Country names in the UI language, sorted for it; the station's own country first. */
export function countryOptions(language: string, first = 'SE'): { code: string; label: string }[] {
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames([language], { type: 'region' });
  } catch {
    names = null;
  }
  const options = PHONE_COUNTRIES.map((c) => ({
    code: c.code,
    label: `${names?.of(c.code) ?? c.code} (+${c.callingCode})`,
  }));
  const collator = new Intl.Collator(language);
  return options.sort((a, b) =>
    a.code === first ? -1 : b.code === first ? 1 : collator.compare(a.label, b.label),
  );
}
