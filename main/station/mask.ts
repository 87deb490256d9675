import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Masking for phone numbers and alternate email addresses: DESIGN.md §1 says they are not shown to
 * other people on the station and operators see them masked unless they open the record.
 */
export function maskPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  const cc = parsed?.countryCallingCode;
  const national = parsed ? String(parsed.nationalNumber) : e164.replace(/[^0-9]/g, '');
  if (national.length < 4) return '•'.repeat(national.length);
  // Country code and the last two digits, as the security info page shows (DESIGN.md §3.5).
  const masked = `${'•'.repeat(national.length - 2)}${national.slice(-2)}`;
  return cc ? `+${cc} ${masked}` : masked;
}

export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '•••';
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  const shown = local.length <= 2 ? local.slice(0, 1) : local.slice(0, 2);
  return `${shown}${'•'.repeat(Math.max(3, local.length - shown.length))}@${domain}`;
}
