import { z } from 'zod';
import { call } from './define';
import { personIdSchema } from './people';
import type { MethodKind } from './security-info';

/** Where a person stands with the policy's registration requirement (DESIGN.md §2). */
export type RegistrationState = 'complete' | 'incomplete' | 'notStarted';
export const registrationFilters = ['all', 'complete', 'incomplete', 'notStarted'] as const;
export type RegistrationFilter = (typeof registrationFilters)[number];

export interface RosterRow {
  id: string;
  upn: string;
  displayName: string;
  department: string | null;
  status: 'active' | 'disabled';
  methodCount: number;
  registration: RegistrationState;
  /** "Challenge ready until …": the provider's creation options for a security key (ISO). */
  challengeReadyUntil: string | null;
}

export interface RosterList {
  people: RosterRow[];
  /** More people match: pass `nextCursor` back as `cursor` for the next page. */
  hasMore: boolean;
  nextCursor: string | null;
  /** Every department in the roster, for the filter. */
  departments: string[];
}

/** One person as the operator sees it; phone and email shown because the operator opened it. */
export interface PersonRecord {
  id: string;
  upn: string;
  displayName: string;
  department: string;
  email: string;
  mobile: string;
  status: 'active' | 'disabled';
  registration: RegistrationState;
  methodCount: number;
  pass: PassState | null;
}

export interface PassState {
  issuedAt: string;
  expiresAt: string;
  oneTime: boolean;
  used: boolean;
  expired: boolean;
}

export interface RowProblem {
  /** 1-based line in the file (the header is line 1). */
  line: number;
  /** `row.*` code the UI translates. */
  code: string;
  params?: Record<string, string | number | boolean>;
}

export interface ImportPreview {
  rows: { line: number; upn: string; action: 'create' | 'update' | 'unchanged' }[];
  errors: RowProblem[];
  create: number;
  update: number;
  unchanged: number;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  errors: RowProblem[];
}

export interface DashboardCounts {
  complete: number;
  incomplete: number;
  notStarted: number;
}

export interface Dashboard {
  total: DashboardCounts;
  byDepartment: ({ department: string } & DashboardCounts)[];
  methodsByKind: { kind: MethodKind; count: number }[];
  keysByModel: { model: string; count: number; virtual: boolean }[];
}

/**
 * The standard WebAuthn registration response JSON (W3C WebAuthn L3 `toJSON()`, as
 * `@simplewebauthn` and identity providers take it), stored as the key answered at enrollment.
 */
export interface WebAuthnRegistrationJSON {
  id: string;
  rawId: string;
  type: 'public-key';
  response: {
    clientDataJSON: string;
    attestationObject: string;
    authenticatorData?: string;
    transports?: string[];
    publicKeyAlgorithm?: number;
    publicKey?: string;
  };
  authenticatorAttachment?: string;
  clientExtensionResults: Record<string, unknown>;
}

/** One security key of one person (DESIGN.md §6 "standard WebAuthn registration JSON per key"). */
export interface WebAuthnKeyExport {
  upn: string;
  displayName: string;
  keyName: string;
  createdAt: string;
  lastUsedAt: string | null;
  rpId: string;
  credential: {
    /** base64url */
    id: string;
    /** base64url COSE_Key */
    publicKey: string;
    counter: number;
    transports: string[];
    aaguid: string;
    model: string;
    attestationFormat: string;
    /** base64url */
    userHandle: string;
  };
  /** null for a key registered before the station kept the response. */
  registration: WebAuthnRegistrationJSON | null;
}

export interface WebAuthnExport {
  format: 'keystation.webauthn-registrations.v1';
  exportedAt: string;
  /** The person's UPN, or null for the whole roster. */
  person: string | null;
  keys: WebAuthnKeyExport[];
}

/** A verified backup of the registry, written on the station (never a renderer path). */
export interface BackupReport {
  /** File name under `<dataDir>/backups/`. */
  fileName: string;
  bytes: number;
  /** SQLite `PRAGMA integrity_check` of the copy. */
  integrityOk: boolean;
  /** The copy's audit chain verifies with the station key. */
  auditOk: boolean;
  /** Hex SHA-256 of the backup file. */
  sha256: string;
  /** Counted in the copy. */
  people: number;
  methods: number;
  createdAt: string;
}

/** A hardware token (OATH TOTP) in the station's inventory; its secret never leaves main. */
export interface OathTokenRow {
  serial: string;
  upn: string;
  manufacturer: string;
  model: string;
  period: 30 | 60;
  /** `available` until the person activates it in their Security info. */
  status: 'available' | 'active';
  importedAt: string;
}

/** An OATH token CSV checked (preview) or imported: data rows, stored tokens, each problem. */
export interface OathImportReport {
  rows: number;
  imported: number;
  errors: RowProblem[];
}

const csvSchema = z.string().max(5_000_000);
const personFields = {
  displayName: z.string().trim().min(1).max(256),
  department: z.string().trim().max(128),
  email: z.union([z.literal(''), z.string().trim().max(254).email()]),
  mobile: z.string().trim().max(32),
};
export const newPersonSchema = z
  .object({
    upn: z
      .string()
      .trim()
      .max(113)
      .regex(/^[^\s@]{1,64}@[a-z0-9-]+(\.[a-z0-9-]+)+$/i),
    ...personFields,
  })
  .strict();
export const personPatchSchema = z
  .object({
    personId: personIdSchema,
    ...personFields,
    status: z.enum(['active', 'disabled']),
  })
  .partial()
  .required({ personId: true })
  .strict();

export const rosterCalls = {
  /** Search as you type, with the completion and department filters. */
  list: call(
    z
      .object({
        query: z.string().max(200),
        department: z.string().max(128).nullable().optional(),
        registration: z.enum(registrationFilters).optional(),
        limit: z.number().int().min(1).max(500).optional(),
        /** `nextCursor` of the previous page (same query and filters). */
        cursor: z.string().max(1024).nullable().optional(),
      })
      .strict(),
  ).returns<RosterList>(),
  get: call(z.object({ personId: personIdSchema }).strict()).returns<PersonRecord>(),
  create: call(newPersonSchema).returns<PersonRecord>(),
  update: call(personPatchSchema).returns<PersonRecord>(),
  previewImport: call(z.object({ csv: csvSchema }).strict()).returns<ImportPreview>(),
  import: call(z.object({ csv: csvSchema }).strict()).returns<ImportResult>(),
  dashboard: call(z.object({}).strict()).returns<Dashboard>(),
  /** "Who has what" (DESIGN.md §6). */
  exportReport: call(z.object({}).strict()).returns<{ csv: string }>(),
  /** WebAuthn registration JSON of one person's keys, or every key in the roster (DESIGN.md §6). */
  exportWebAuthn: call(
    z.object({ personId: personIdSchema.optional() }).strict(),
  ).returns<WebAuthnExport>(),
  /** OATH hardware token inventory (DESIGN.md §6). */
  oathTokens: call(z.object({}).strict()).returns<OathTokenRow[]>(),
  /** Checks an OATH token CSV (the provider's columns) and reports each bad row; stores nothing. */
  previewOathTokens: call(z.object({ csv: csvSchema }).strict()).returns<OathImportReport>(),
  /** Stores the valid rows of an OATH token CSV in one transaction; bad rows are reported. */
  importOathTokens: call(z.object({ csv: csvSchema }).strict()).returns<OathImportReport>(),
  /** Verified backup to `<dataDir>/backups/keystation-<UTC time>.sqlite` (DESIGN.md §6). */
  backup: call(z.object({}).strict()).returns<BackupReport>(),
};
