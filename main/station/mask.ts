/**
 * Masking for phone numbers and alternate email addresses: SPEC §1 says they are not shown to
 * other people on the station and operators see them masked unless they open the record.
 */
export function maskPhone(e164: string): string {
  const digits = e164.replace(/[^0-9]/g, '');
  if (digits.length < 6) return '•'.repeat(digits.length);
  // Keep the first three digits (country code area) and the last two, as the seeds' screens do.
  const head = digits.slice(0, 3);
  const tail = digits.slice(-2);
  return `+${head} ${'•'.repeat(digits.length - 5)}${tail}`;
}

export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '•••';
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  const shown = local.length <= 2 ? local.slice(0, 1) : local.slice(0, 2);
  return `${shown}${'•'.repeat(Math.max(3, local.length - shown.length))}@${domain}`;
}
