import type Database from 'better-sqlite3';
import { m001PeopleAndMethods } from './001_people_and_methods';
import { m002AuditAndSettings } from './002_audit_and_settings';
import { m003OathTokenInventory } from './003_oath_token_inventory';
import { m004PassesAndOperators } from './004_passes_and_operators';
import { m005VerificationAndOutbox } from './005_verification_and_outbox';
import { m006SearchKeys } from './006_search_keys';
import { m007KeyRegistrationJson } from './007_key_registration_json';
import { m008TotpSteps } from './008_totp_steps';
import { m009RosterReadModel } from './009_roster_read_model';
import { m010IdentityProvider } from './010_identity_provider';
import { m011Provisioning } from './011_provisioning';
import { m012PasswordReset } from './012_password_reset';
import { m013KeyModels } from './013_key_models';

/** One numbered, forward-only schema step (Signal-Desktop style). */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  m001PeopleAndMethods,
  m002AuditAndSettings,
  m003OathTokenInventory,
  m004PassesAndOperators,
  m005VerificationAndOutbox,
  m006SearchKeys,
  m007KeyRegistrationJson,
  m008TotpSteps,
  m009RosterReadModel,
  m010IdentityProvider,
  m011Provisioning,
  m012PasswordReset,
  m013KeyModels,
];
