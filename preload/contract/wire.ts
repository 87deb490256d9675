/**
 * What travels on the wire, without the schemas: the domains, how a call is named, the event
 * channel, and the settings' fixed choices. The renderer's first screen needs only these, so this
 * module imports nothing — in particular not zod, whose schemas the renderer builds only on the
 * pages that validate a form (docs/DESIGN.md §10.4).
 */

/** Every domain of the contract; `contract` in ../contract.ts must have exactly these keys. */
export const domains = [
  'station',
  'settings',
  'people',
  'securityInfo',
  'operator',
  'kiosk',
  'roster',
  'passes',
  'policy',
  'audit',
  'methods',
  'securityKey',
  'virtualKey',
  'keyManager',
  'passwordReset',
  'provisioning',
  'enrollment',
  'identityProvider',
] as const;
export type DomainName = (typeof domains)[number];

/** The wire name of an entry: the IPC channel in Electron, the `call` field over the WebSocket. */
export function channelOf(domain: string, name: string): string {
  return `ks:${domain}.${name}`;
}

/** The one IPC channel events travel on (Electron); the payload is `{ name, payload }`. */
export const EVENT_CHANNEL = 'ks:event';

export const languages = ['sv', 'en'] as const;
export type Language = (typeof languages)[number];
export const themes = ['system', 'light', 'dark'] as const;
export type Theme = (typeof themes)[number];
