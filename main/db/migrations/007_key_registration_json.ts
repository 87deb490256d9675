import type { Migration } from './index';

/**
 * Keeps each security key's WebAuthn registration response (RegistrationResponseJSON:
 * attestationObject + clientDataJSON, public data only) so the standard registration JSON can
 * be exported for the identity provider (DESIGN.md §6). Keys registered before have none.
 */
export const m007KeyRegistrationJson: Migration = {
  version: 7,
  name: 'key registration json',
  up(db) {
    db.exec('ALTER TABLE security_key_credentials ADD COLUMN registration_json TEXT');
  },
};
