import { z } from 'zod';
import { call } from './define';
import { personIdSchema } from './people';
import type { MethodKind } from './security-info';

/** Where a person stands with the policy's registration requirement (SPEC §2). */
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
}

export interface RosterList {
  people: RosterRow[];
  hasMore: boolean;
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
      })
      .strict(),
  ).returns<RosterList>(),
  get: call(z.object({ personId: personIdSchema }).strict()).returns<PersonRecord>(),
  create: call(newPersonSchema).returns<PersonRecord>(),
  update: call(personPatchSchema).returns<PersonRecord>(),
  previewImport: call(z.object({ csv: csvSchema }).strict()).returns<ImportPreview>(),
  import: call(z.object({ csv: csvSchema }).strict()).returns<ImportResult>(),
  dashboard: call(z.object({}).strict()).returns<Dashboard>(),
  /** "Who has what" (SPEC §6). */
  exportReport: call(z.object({}).strict()).returns<{ csv: string }>(),
};
