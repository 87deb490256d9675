import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { integrityOk, openDatabase, type Db } from '../db/connection';
import { StationStateRepository } from '../db/repositories/stationState';
import { AuditLog } from './audit';
import { AuditViewer } from './auditView';
import type { StationContext, StationMode } from './context';
import { seedDemo } from './demoSeed';
import { MethodRegistry } from './methods/registry';
import { PeopleService } from './people';
import { DEMO_POLICY, type Policy } from './policy';
import { PolicyService, readPolicy, writePolicy } from './policyService';
import { DEFAULT_QUESTIONS, QuestionBank, seedQuestions } from './questionBank';
import {
  FileKeySealer,
  StationKeyring,
  loadOrCreateStationKey,
  type SecretSealer,
} from './secrets';
import { Session } from './session';
import { StationSettings } from './settings';
import { AuthenticatorAppEnrollment } from './methods/authenticatorApp';
import { EmailEnrollment } from './methods/email';
import { HardwareTokenEnrollment } from './methods/hardwareToken';
import { PhoneEnrollment } from './methods/phone';
import {
  SecurityKeyEnrollment,
  nativeSecurityKeyClient,
  type SecurityKeyClient,
} from './methods/securityKey';
import { SecurityQuestionsEnrollment } from './methods/securityQuestions';
import { SentCodes } from './methods/sentCodes';
import { HttpGateway, Outbox, OutboxGateway, type MessageGateway } from './messaging';
import { OathTokenInventory } from './oathTokens';
import { OperatorService } from './operators';
import { AuthService } from './operatorSignIn';
import { TemporaryAccessPasses } from './passes';
import { RosterService } from './roster';
import { PersonRecords } from './personRecords';
import { IdpService, type IdpServiceOptions } from './idp/service';
import { backupRegistry, backupToDataDir, type BackupReport, type BackupResult } from './backup';
import { registerStationContext } from './internals';
import { ProvisioningService } from './provisioning/service';
import { PasswordReset } from './passwordReset';
import { KeyModelService } from './keyModels';

export { StationError, STATION_ERROR_CODES, ROW_ERROR_CODES, isStationError } from './errors';
export type { StationErrorCode, RowErrorCode, RowError } from './errors';
export type { StationMode } from './context';
export type { Policy, PolicyInput, PinPolicy } from './policy';
export * from './types';
export type { RegistrationStatus, SsprReadiness } from './methods/registry';
export type { AuditEntry, AuditVerification, AuditAction } from './audit';
export type { SecurityQuestion } from './questionBank';
export { FileKeySealer, type SecretSealer } from './secrets';
export { ManualClock, systemClock, type Clock } from './clock';
export { DEMO_ACCESS_PASS, DEMO_OPERATOR, DEMO_OATH_TOKENS, DEMO_PEOPLE } from './demoSeed';
export { DEMO_POLICY, DEMO_RP_ID } from './policy';
export {
  HttpGateway,
  OutboxGateway,
  type MessageGateway,
  type OutgoingMessage,
  type OutboxMessage,
} from './messaging';
export type {
  SecurityKeyClient,
  SecurityKeyInfo,
  KeyInteraction,
  KeyEvent,
} from './methods/securityKey';
export type { AuthenticatorAppStart } from './methods/authenticatorApp';
export type { OathTokenSummary, OathImportResult } from './oathTokens';
export type { IssuedPass, PassStatus } from './passes';
export type { OperatorAccount } from './operators';
export type { PersonRecord, PassSlip, SecurityInfo } from './personRecords';
export type { RosterPreview, RosterImportResult, WebAuthnRegistrationExport } from './roster';
export type { BackupReport, BackupResult } from './backup';
export type { KeyMetadataStatus, KeyMetadataImport } from './keyModels';
export type {
  ResetView,
  ResetOutcome,
  ResetPurpose,
  ResetMethodOption,
  AdminRequest,
} from './passwordReset';
export type {
  IdpConnectionView,
  IdpConnectionInput,
  PersonLinkView,
  ProviderMethodView,
  OutboxStatus,
  OutboxItemView,
  PullResult,
  PushResult,
} from './idp/service';

export const REGISTRY_FILE = 'registry.sqlite';
export const KEY_FILE = 'station.key';

export interface OpenStationOptions {
  /** Directory holding registry.sqlite (and station.key for the default file sealer). */
  readonly dataDir: string;
  /** On first open, fill the registry with the demo organization. */
  readonly demo?: boolean;
  /**
   * 'production' refuses the virtual key; defaults to 'demo' when `demo` is set. A function is
   * read at each use, so a mode chosen at first run applies at once (main/api/station-mode.ts).
   */
  readonly mode?: StationMode | (() => StationMode);
  readonly clock?: () => Date;
  /**
   * Seals the station key. The hosts always pass one (OS keystore, or a key file outside the
   * data directory: main/api/station-key.ts); the default, a 0600 key file in dataDir, is for
   * tests.
   */
  readonly secretSealer?: SecretSealer;
  /** Delivers SMS/call/email codes; defaults to the registry outbox (offline). */
  readonly messageGateway?: MessageGateway;
  /** Opens security keys; defaults to native/ (node-hid, UDP, or a HidConnection). */
  readonly securityKeys?: SecurityKeyClient;
  /** Identity provider link: private CA, injected sleep (tests), provider factory. */
  readonly idp?: IdpServiceOptions;
  /**
   * The directory for the audit log's signed checkpoints (main/station/auditAnchor.ts), read at
   * each use; undefined: no anchor.
   */
  readonly auditAnchorDir?: () => string | undefined;
}

export interface StationAbout {
  readonly mode: StationMode;
  readonly organizationName: string;
  /** No audit integrity alarm is raised (docs/SECURITY-REVIEW.md). */
  readonly auditIntact: boolean;
}

export interface Enrollments {
  readonly authenticatorApp: AuthenticatorAppEnrollment;
  readonly hardwareToken: HardwareTokenEnrollment;
  readonly phone: PhoneEnrollment;
  readonly email: EmailEnrollment;
  readonly securityQuestions: SecurityQuestionsEnrollment;
  readonly securityKey: SecurityKeyEnrollment;
  /** What the phone and email flows may show of the codes they sent. */
  readonly sentCodes: SentCodes;
}

export interface Station {
  readonly stationId: string;
  readonly mode: StationMode;
  /** The station's time: the host's clock (docs/DESIGN.md §10.2). */
  now(): Date;
  /** What every page shows of the station: its mode, the organization, the audit chain intact. */
  about(): StationAbout;
  readonly dataDir: string;
  readonly session: Session;
  readonly auth: AuthService;
  readonly people: PeopleService;
  readonly methods: MethodRegistry;
  readonly enroll: Enrollments;
  readonly oathTokens: OathTokenInventory;
  readonly passes: TemporaryAccessPasses;
  readonly operators: OperatorService;
  readonly roster: RosterService;
  /** One person as the pages show them: record, pass slip, security info. */
  readonly records: PersonRecords;
  readonly outbox: Outbox;
  readonly policy: PolicyService;
  readonly questions: QuestionBank;
  readonly settings: StationSettings;
  readonly audit: AuditLog;
  /** The identity provider link (docs/IDP.md). */
  readonly idp: IdpService;
  /** The operator's view of the audit log: filters, chain check, CSV export. */
  readonly auditViewer: AuditViewer;
  /** "Can't access your account?" and returning people's sign-in (DESIGN.md §3.9). */
  readonly passwordReset: PasswordReset;
  /** Provisioning keys for others: jobs and their registry side (docs/PROVISIONING.md). */
  readonly provisioning: ProvisioningService;
  /** Key models: the built-in AAGUID list and an imported FIDO metadata BLOB (docs/KEYS.md). */
  readonly keyModels: KeyModelService;
  /** Online backup to a new file, then integrity check and audit verification of the copy. */
  backup(destinationFile: string): Promise<BackupResult>;
  /** A verified backup under `<dataDir>/backups/`, counted and hashed (DESIGN.md §6). */
  backupToDataDir(): Promise<BackupReport>;
  /** PRAGMA integrity_check == ok. */
  checkIntegrity(): boolean;
  close(): void;
}

const STATION_ID_KEY = 'station.id';

export function openStation(opts: OpenStationOptions): Station {
  mkdirSync(opts.dataDir, { recursive: true });
  const clock = opts.clock ?? (() => new Date());
  const fixedMode: StationMode = opts.demo ? 'demo' : 'production';
  const optMode = opts.mode;
  const modeNow: () => StationMode =
    typeof optMode === 'function' ? optMode : () => optMode ?? fixedMode;
  const db: Db = openDatabase({ path: join(opts.dataDir, REGISTRY_FILE) });
  try {
    const sealer = opts.secretSealer ?? new FileKeySealer(join(opts.dataDir, KEY_FILE));
    const session = new Session();
    let fresh = false;
    const state = new StationStateRepository(db);
    const { keys, stationId } = db
      .transaction(() => {
        const stationKey = loadOrCreateStationKey(
          () => state.stationKey(),
          (sealed, name) => {
            fresh = true;
            state.insertStationKey(sealed, name, clock().toISOString());
          },
          sealer,
        );
        let id = state.setting(STATION_ID_KEY);
        if (!id) {
          id = randomUUID();
          state.putSetting(STATION_ID_KEY, id);
        }
        return { keys: new StationKeyring(stationKey), stationId: id };
      })
      .immediate();

    const audit = new AuditLog(
      db,
      keys,
      stationId,
      clock,
      () => session.actor,
      opts.auditAnchorDir,
    );
    // The whole chain against its head and the anchor, before anyone signs in: a broken log
    // raises the integrity alarm (and every change is refused) from the start.
    audit.open();
    // `mode` is a getter (never copied) so services see the current mode.
    const baseCtx = {
      db,
      keys,
      audit,
      session,
      clock,
      stationId,
      get mode(): StationMode {
        return modeNow();
      },
    };
    if (fresh || readPolicy(db) === undefined) {
      db.transaction(() => {
        if (readPolicy(db) === undefined) writePolicy(db, DEMO_POLICY, clock().toISOString());
        seedQuestions(baseCtx, DEFAULT_QUESTIONS);
        audit.append('station.initialized', null, { mode: modeNow() });
      })();
    }
    const policy = new PolicyService(baseCtx);
    const context: StationContext = Object.defineProperty(
      { db, keys, audit, session, clock, stationId, policy: (): Policy => policy.get() },
      'mode',
      { get: modeNow, enumerable: true },
    ) as StationContext;
    const methods = new MethodRegistry(context);
    const people = new PeopleService(context);
    if (opts.demo && people.count() === 0) {
      db.transaction(() => seedDemo(context, methods))();
    }
    const settings = new StationSettings(context);
    const outboxGateway = new OutboxGateway(context);
    // An injected gateway wins; otherwise the admin's settings choose, read at each send so a
    // change applies at once: gateway.kind = 'http' + gateway.url → POST, anything else → outbox.
    const gateway = (): MessageGateway => {
      if (opts.messageGateway) return opts.messageGateway;
      const url = settings.get('gateway.url');
      if (settings.get('gateway.kind') === 'http' && url) return new HttpGateway({ url });
      return outboxGateway;
    };
    const questions = new QuestionBank(context);
    const passes = new TemporaryAccessPasses(context);
    const phone = new PhoneEnrollment(context, people, methods, gateway);
    const email = new EmailEnrollment(context, people, methods, gateway);
    const outbox = new Outbox(context);
    const roster = new RosterService(context);
    const keyModels = new KeyModelService(context);
    const operators = new OperatorService(context, keyModels);
    const idp = new IdpService(context, people, methods, opts.idp);
    const securityKey = new SecurityKeyEnrollment(
      context,
      people,
      methods,
      opts.securityKeys ?? nativeSecurityKeyClient,
      idp,
      keyModels,
    );
    const provisioning = new ProvisioningService(context, people, methods, idp, keyModels);
    const securityQuestions = new SecurityQuestionsEnrollment(context, people, methods, questions);
    const passwordReset = new PasswordReset(context, {
      people,
      methods,
      idp,
      questions: securityQuestions,
      settings,
      gateway,
      gatewayConfigured: () =>
        opts.messageGateway !== undefined ||
        (settings.get('gateway.kind') === 'http' && Boolean(settings.get('gateway.url'))),
      securityKeys: opts.securityKeys ?? nativeSecurityKeyClient,
    });
    const station: Station = {
      stationId,
      now: clock,
      get mode(): StationMode {
        return modeNow();
      },
      dataDir: opts.dataDir,
      session,
      auth: new AuthService(context, operators, people, passes),
      people,
      methods,
      enroll: {
        authenticatorApp: new AuthenticatorAppEnrollment(context, people, methods),
        hardwareToken: new HardwareTokenEnrollment(context, people, methods),
        phone,
        email,
        securityQuestions,
        securityKey,
        sentCodes: new SentCodes(context, outbox, [phone, email]),
      },
      oathTokens: new OathTokenInventory(context),
      passes,
      operators,
      roster,
      records: new PersonRecords(people, methods, roster, passes),
      outbox,
      policy,
      questions,
      backup: (dest) => backupRegistry(context, dest),
      backupToDataDir: () => backupToDataDir(context, opts.dataDir),
      settings,
      audit,
      idp,
      auditViewer: new AuditViewer(audit, people),
      passwordReset,
      provisioning,
      keyModels,
      checkIntegrity: () => integrityOk(db),
      about: () => ({
        mode: modeNow(),
        organizationName: policy.get().organizationName,
        auditIntact: audit.integrityAlarm() === null,
      }),
      close: () => {
        securityKey.cancelAll();
        db.close();
      },
    };
    // The shared context stays internal (main/station/internals.ts), never on the interface.
    registerStationContext(station, context);
    return station;
  } catch (err) {
    db.close();
    throw err;
  }
}
