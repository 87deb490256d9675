/**
 * The organization's password rules a reset must meet (docs/DESIGN.md §3.9): the provider's
 * cloud rules — 8 to 256 characters from its allowed set (no å, ä, ö), three of the four kinds
 * (lower case, upper case, digits, symbols), and not the person's user name or a part of their
 * name. The station checks them before anything is sent, and the renderer's live checklist uses
 * the same function. The provider also refuses banned words; that answer comes back as
 * `reset.passwordRejected`.
 */
export const PASSWORD_LENGTH = { min: 8, max: 256 } as const;

const ALLOWED = /^[A-Za-z0-9@#$%^&*\-_!+=[\]{}|\\:',.?/`~"();<> ]*$/;

export const PASSWORD_RULES = ['length', 'characters', 'kinds', 'name'] as const;
export type PasswordRule = (typeof PASSWORD_RULES)[number];

/** Each rule and whether `password` meets it, in the order the checklist shows them. */
export function passwordRuleResults(
  password: string,
  person: { readonly upn: string; readonly displayName: string },
): { rule: PasswordRule; ok: boolean }[] {
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  const lower = password.toLowerCase();
  const alias = person.upn.split('@')[0].toLowerCase();
  const parts = person.displayName
    .toLowerCase()
    .split(/[\s.,\-_]+/)
    .filter((p) => p.length >= 3);
  const usesName =
    (alias.length >= 3 && lower.includes(alias)) || parts.some((p) => lower.includes(p));
  return [
    {
      rule: 'length',
      ok: password.length >= PASSWORD_LENGTH.min && password.length <= PASSWORD_LENGTH.max,
    },
    { rule: 'characters', ok: password.length > 0 && ALLOWED.test(password) },
    { rule: 'kinds', ok: kinds >= 3 },
    { rule: 'name', ok: password.length > 0 && !usesName },
  ];
}

export function passwordMeetsRules(
  password: string,
  person: { readonly upn: string; readonly displayName: string },
): boolean {
  return passwordRuleResults(password, person).every((r) => r.ok);
}
