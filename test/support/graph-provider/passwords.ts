/**
 * Entra ID's cloud password rules as the provider applies them when an app sets a password:
 * 8–256 characters from the allowed set, three of the four character classes (unless the
 * user's passwordPolicies has DisableStrongPassword), not containing the user's alias or
 * display-name parts, and not built on a banned word.
 */
import type { TenantPolicy, User } from './state';

const ALLOWED = /^[A-Za-z0-9@#$%^&*\-_!+=[\]{}|\\:',.?/`~"();<> ]+$/;

export function checkPasswordComplexity(
  password: string,
  user: Pick<User, 'userPrincipalName' | 'displayName'>,
  policy: Pick<TenantPolicy, 'bannedPasswords'>,
  passwordPolicies: string,
): boolean {
  if (password.length < 8 || password.length > 256) return false;
  if (!ALLOWED.test(password)) return false;
  const lower = password.toLowerCase();
  if (
    !passwordPolicies
      .split(',')
      .map((s) => s.trim())
      .includes('DisableStrongPassword')
  ) {
    const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) =>
      r.test(password),
    ).length;
    if (classes < 3) return false;
  }
  const alias = user.userPrincipalName.split('@')[0].toLowerCase();
  if (alias.length >= 3 && lower.includes(alias)) return false;
  for (const part of user.displayName.toLowerCase().split(/[\s.,\-_]+/))
    if (part.length >= 3 && lower.includes(part)) return false;
  // Banned words, also with common substitutions (the banned-password check normalises them).
  const normalised = lower
    .replace(/0/g, 'o')
    .replace(/1/g, 'l')
    .replace(/\$/g, 's')
    .replace(/@/g, 'a')
    .replace(/3/g, 'e');
  return !policy.bannedPasswords.some((w) => lower.includes(w) || normalised.includes(w));
}
