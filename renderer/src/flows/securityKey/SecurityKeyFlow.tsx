/**
 * The security key flow (SPEC §3.3): insert (hot-plug, choose a key) → key info → create or
 * enter the PIN → "Touch your security key" (makeCredential; keepalive UPNEEDED drives the
 * prompt) → name the key → test sign-in (touch again) → done. Every failure becomes a plain
 * message with the next step; Cancel, the dialog's close button and Escape all cancel what the
 * key is doing (main aborts → CTAPHID CANCEL). A key that demands a new PIN (forcePINChange, SPEC
 * §2 "force the person to change a PIN the operator set") gets the change-PIN step instead of
 * the enter-PIN step, and the ceremony then continues as usual.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type {
  ContractError,
  KeyDevice,
  MethodSummary,
  SecurityKeyStart,
} from '../../../../preload/contract';
import { useApi, useCall } from '../../api/ApiProvider';
import { Button, Icon, TextField } from '../../components';
import { FlowStep } from '../../components/FlowParts';
import { useI18n } from '../../i18n/I18nProvider';
import type { FlowProps } from '../index';
import { pinAcceptable, pinRuleState } from './pinRules';
import { VirtualKeyPanel } from './VirtualKeyPanel';
import './securityKey.css';

type Step =
  | { name: 'insert' }
  | { name: 'opening'; deviceId: string }
  | { name: 'info'; key: SecurityKeyStart; deviceId: string }
  | { name: 'pin'; key: SecurityKeyStart; deviceId: string }
  | { name: 'touch'; key: SecurityKeyStart; deviceId: string; pinChanged?: boolean }
  | { name: 'name'; key: SecurityKeyStart; deviceId: string }
  | { name: 'test'; key: SecurityKeyStart; deviceId: string; keyName: string }
  | { name: 'done'; method: MethodSummary }
  | {
      name: 'error';
      error: ContractError;
      /** What "Try again" does. */
      retry: 'insert' | 'touch' | 'test';
      key?: SecurityKeyStart;
      deviceId?: string;
      keyName?: string;
    };

type TouchState = 'working' | 'touchNeeded' | 'touched';

/** Errors that keep the enrollment (same key, same step can run again). */
const RETRY_SAME_STEP = new Set([
  'securityKey.timeout',
  'securityKey.cancelled',
  'securityKey.testSignInFailed',
]);

function newOperationId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function SecurityKeyFlow({ person, onDone }: FlowProps) {
  const api = useApi();
  const i18n = useI18n();
  const { t } = i18n;
  const { state: stationInfo } = useCall((a) => a.station.info({}), []);
  const demo = stationInfo.status === 'ok' && stationInfo.value.mode === 'demo';

  const [step, setStep] = useState<Step>({ name: 'insert' });
  const [touch, setTouch] = useState<TouchState>('working');
  /** The operation whose events and answer still matter (a cancelled one's don't). */
  const operation = useRef<string | null>(null);
  const enrollmentId = useRef<string | null>(null);
  const finished = useRef(false);
  const stepRef = useRef(step);
  stepRef.current = step;

  const fail = useCallback(
    (
      error: ContractError,
      from: { key?: SecurityKeyStart; deviceId?: string; keyName?: string },
    ) => {
      const code = error.code;
      const keepsEnrollment = error.kind === 'station' && RETRY_SAME_STEP.has(code) && from.key;
      if (!keepsEnrollment && enrollmentId.current) {
        void api.securityKey.cancel({ enrollmentId: enrollmentId.current });
        enrollmentId.current = null;
      }
      const retry: 'insert' | 'touch' | 'test' = keepsEnrollment
        ? from.keyName !== undefined
          ? 'test'
          : 'touch'
        : 'insert';
      setStep({ name: 'error', error, retry, ...from });
    },
    [api],
  );

  // Keepalive (UPNEEDED → "Touch your security key") and "touched" for the running operation.
  useEffect(() => {
    const offKeepalive = api.events.subscribe('key.keepalive', (e) => {
      if (e.operationId === operation.current) {
        setTouch(e.status === 'touchNeeded' ? 'touchNeeded' : 'working');
      }
    });
    const offProgress = api.events.subscribe('operation.progress', (e) => {
      if (e.operationId === operation.current && e.step === 'touched') setTouch('touched');
    });
    return () => {
      offKeepalive();
      offProgress();
    };
  }, [api]);

  // The chosen key pulled out mid-way: say so at once, whatever step we are on.
  useEffect(
    () =>
      api.events.subscribe('key.removed', ({ deviceId }) => {
        const s = stateDevice(stepRef.current);
        if (!s || s !== deviceId) return;
        const current = stepRef.current;
        if (current.name === 'error' || current.name === 'done' || current.name === 'insert')
          return;
        operation.current = null;
        fail({ kind: 'station', code: 'securityKey.removed' }, { deviceId });
      }),
    [api, fail],
  );

  // Closing the dialog (× / Escape) or leaving the page cancels what the key is doing.
  useEffect(
    () => () => {
      if (finished.current) return;
      const op = operation.current ?? undefined;
      const enrollment = enrollmentId.current ?? undefined;
      if (op || enrollment)
        void api.securityKey.cancel({ operationId: op, enrollmentId: enrollment });
    },
    [api],
  );

  const cancel = () => {
    const op = operation.current ?? undefined;
    const enrollment = enrollmentId.current ?? undefined;
    operation.current = null;
    enrollmentId.current = null;
    finished.current = true;
    if (op || enrollment)
      void api.securityKey.cancel({ operationId: op, enrollmentId: enrollment });
    onDone(false);
  };

  const open = async (deviceId: string) => {
    const operationId = newOperationId();
    operation.current = operationId;
    setStep({ name: 'opening', deviceId });
    const r = await api.securityKey.begin({ personId: person.id, deviceId, operationId });
    if (operation.current !== operationId) {
      if (r.ok) void api.securityKey.cancel({ enrollmentId: r.value.enrollmentId });
      return;
    }
    operation.current = null;
    if (!r.ok) return fail(r.error, { deviceId });
    enrollmentId.current = r.value.enrollmentId;
    setStep({ name: 'info', key: r.value, deviceId });
  };

  const register = async (key: SecurityKeyStart, deviceId: string, pinChanged = false) => {
    const operationId = newOperationId();
    operation.current = operationId;
    setTouch('working');
    setStep({ name: 'touch', key, deviceId, pinChanged });
    const r = await api.securityKey.register({ enrollmentId: key.enrollmentId, operationId });
    if (operation.current !== operationId) return;
    operation.current = null;
    if (!r.ok) return fail(r.error, { key, deviceId });
    setStep({ name: 'name', key: { ...key, model: r.value.model }, deviceId });
  };

  const testSignIn = async (key: SecurityKeyStart, deviceId: string, keyName: string) => {
    const operationId = newOperationId();
    operation.current = operationId;
    setTouch('working');
    setStep({ name: 'test', key, deviceId, keyName });
    const r = await api.securityKey.complete({
      enrollmentId: key.enrollmentId,
      operationId,
      name: keyName,
    });
    if (operation.current !== operationId) return;
    operation.current = null;
    if (!r.ok) {
      if (r.error.code === 'securityKey.nameInvalid') {
        setStep({ name: 'name', key, deviceId });
        setNameError(r.error);
        return;
      }
      return fail(r.error, { key, deviceId, keyName });
    }
    enrollmentId.current = null;
    finished.current = true;
    setStep({ name: 'done', method: r.value });
  };

  const [nameError, setNameError] = useState<ContractError | null>(null);

  const cancelButton = (
    <Button onClick={cancel} data-testid="security-key-cancel">
      {t('common.cancel')}
    </Button>
  );

  // Demo mode: the staff-training controls of the virtual key, under every step.
  const virtualPanel =
    demo && step.name !== 'done' ? (
      <VirtualKeyPanel deviceId={stateVirtual(step) ? stateDevice(step) : undefined} />
    ) : null;

  let body;
  switch (step.name) {
    case 'insert':
      body = <InsertStep onChoose={(id) => void open(id)} cancelButton={cancelButton} />;
      break;
    case 'opening':
      body = (
        <FlowStep
          title={t('securityKey.opening.title')}
          testId="security-key-opening"
          actions={cancelButton}
        >
          <p role="status" className="ks-key-waiting">
            <span className="ks-spinner" aria-hidden="true" /> {t('securityKey.opening.body')}
          </p>
        </FlowStep>
      );
      break;
    case 'info':
      body = (
        <KeyInfoStep
          keyInfo={step.key}
          onNext={() =>
            step.key.pinStep === 'none'
              ? void register(step.key, step.deviceId)
              : setStep({ name: 'pin', key: step.key, deviceId: step.deviceId })
          }
          cancelButton={cancelButton}
        />
      );
      break;
    case 'pin':
      body =
        step.key.pinStep === 'change' ? (
          <ChangePinStep
            key="change"
            keyInfo={step.key}
            onAccepted={() =>
              void register({ ...step.key, mustChangePin: false }, step.deviceId, true)
            }
            onFatal={(error) => fail(error, { deviceId: step.deviceId })}
            cancelButton={cancelButton}
          />
        ) : (
          <PinStep
            key="pin"
            keyInfo={step.key}
            onAccepted={() => void register(step.key, step.deviceId)}
            onMustChange={() =>
              // The key refused a token with forcePINChange although getInfo did not say so.
              setStep({
                name: 'pin',
                key: { ...step.key, pinStep: 'change', mustChangePin: true },
                deviceId: step.deviceId,
              })
            }
            onFatal={(error) => fail(error, { deviceId: step.deviceId })}
            cancelButton={cancelButton}
          />
        );
      break;
    case 'touch':
    case 'test':
      body = (
        <TouchStep
          phase={step.name === 'touch' ? 'register' : 'test'}
          touch={touch}
          virtual={step.key.isVirtual}
          deviceId={step.deviceId}
          notice={
            step.name === 'touch' && step.pinChanged ? t('securityKey.changePin.changed') : null
          }
          cancelButton={cancelButton}
        />
      );
      break;
    case 'name':
      body = (
        <NameStep
          keyInfo={step.key}
          error={nameError}
          onNext={(keyName) => {
            setNameError(null);
            void testSignIn(step.key, step.deviceId, keyName);
          }}
          cancelButton={cancelButton}
        />
      );
      break;
    case 'done':
      body = (
        <FlowStep
          title={t('securityKey.done.title')}
          testId="security-key-done"
          onSubmit={() => onDone(true)}
          actions={
            <Button type="submit" variant="primary">
              {t('common.done')}
            </Button>
          }
        >
          <div className="ks-flow-success" role="status">
            <span className="ks-flow-success__mark" aria-hidden="true">
              ✓
            </span>
            <div>
              <p className="ks-flow-success__title">
                {t('securityKey.done.registered', {
                  name: step.method.securityKey?.name ?? step.method.label,
                })}
              </p>
              <p>
                {step.method.securityKey?.isVirtual
                  ? t('securityInfo.virtualKey')
                  : (step.method.securityKey?.model ?? '')}
              </p>
              <p>{t('securityKey.done.body')}</p>
            </div>
          </div>
        </FlowStep>
      );
      break;
    case 'error':
      body = (
        <ErrorStep
          error={step.error}
          personName={person.displayName}
          retryLabel={
            step.retry === 'insert' ? t('securityKey.errorStep.startOver') : t('common.retry')
          }
          onRetry={() => {
            if (step.retry === 'touch' && step.key && step.deviceId)
              void register(step.key, step.deviceId);
            else if (
              step.retry === 'test' &&
              step.key &&
              step.deviceId &&
              step.keyName !== undefined
            )
              void testSignIn(step.key, step.deviceId, step.keyName);
            else setStep({ name: 'insert' });
          }}
          cancelButton={cancelButton}
        />
      );
      break;
  }

  return (
    <div className="ks-security-key-flow" data-step={step.name}>
      {body}
      {virtualPanel}
    </div>
  );
}

/**
 * getInfo firmwareVersion (0x0E) is one vendor-defined integer; the common encoding (YubiKey,
 * the virtual key) is major/minor/patch in three bytes: 0x050403 → 5.4.3.
 */
function formatFirmware(firmware: string | null): string | null {
  if (firmware === null || !/^\d{1,10}$/.test(firmware)) return firmware;
  const n = Number(firmware);
  return n > 0xffff && n <= 0xffffff ? `${n >> 16}.${(n >> 8) & 0xff}.${n & 0xff}` : firmware;
}

/** getInfo versions (0x01) as people who know keys say them: "U2F, CTAP 2.0, CTAP 2.1". */
function formatVersions(versions: string[]): string {
  const names: Record<string, string> = {
    U2F_V2: 'U2F',
    FIDO_2_0: 'CTAP 2.0',
    FIDO_2_1_PRE: 'CTAP 2.1 (preview)',
    FIDO_2_1: 'CTAP 2.1',
    FIDO_2_2: 'CTAP 2.2',
  };
  // Unknown entries come from the key: shown as they are, but only short printable ones.
  return versions
    .filter((v) => /^[\x20-\x7e]{1,32}$/.test(v))
    .map((v) => names[v] ?? v)
    .join(', ');
}

function stateDevice(step: Step): string | undefined {
  return 'deviceId' in step ? step.deviceId : undefined;
}

function stateVirtual(step: Step): boolean {
  if ('key' in step && step.key) return step.key.isVirtual;
  const id = stateDevice(step);
  return id !== undefined && id.startsWith('virtual-');
}

// ---- steps ---------------------------------------------------------------------------------

/** "Insert your security key": the keys present now, live as they come and go. */
function InsertStep({
  onChoose,
  cancelButton,
}: {
  onChoose(deviceId: string): void;
  cancelButton: React.ReactNode;
}) {
  const api = useApi();
  const { t } = useI18n();
  const [devices, setDevices] = useState<KeyDevice[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const groupName = useId();

  useEffect(() => {
    let live = true;
    const refresh = () =>
      void api.securityKey.devices({}).then((r) => {
        if (live && r.ok) setDevices(r.value.devices);
      });
    refresh();
    const offIn = api.events.subscribe('key.inserted', refresh);
    const offOut = api.events.subscribe('key.removed', refresh);
    // node-hid has no arrival events on every platform; main polls, we ask now and then too.
    const timer = setInterval(refresh, 3000);
    return () => {
      live = false;
      offIn();
      offOut();
      clearInterval(timer);
    };
  }, [api]);

  const list = devices ?? [];
  const selected =
    list.find((d) => d.deviceId === chosen)?.deviceId ??
    (list.length === 1 ? list[0].deviceId : null);
  const virtualCount = list.filter((d) => d.virtual).length;
  const label = (d: KeyDevice, i: number) =>
    d.virtual
      ? virtualCount > 1
        ? t('securityKey.insert.virtualKey', { number: i + 1 })
        : t('securityInfo.virtualKey')
      : (d.productName ?? t('securityKey.insert.unnamedKey'));
  const virtualIndex = (d: KeyDevice) => list.filter((x) => x.virtual).indexOf(d);

  return (
    <FlowStep
      title={t('securityKey.insert.title')}
      testId="security-key-insert"
      onSubmit={() => {
        if (selected) onChoose(selected);
      }}
      actions={
        <>
          {cancelButton}
          <Button
            type="submit"
            variant="primary"
            unavailable={!selected}
            disabledReason={t('securityKey.insert.noneYet')}
          >
            {t('common.next')}
          </Button>
        </>
      }
    >
      <div className="ks-key-insert">
        <span className="ks-key-insert__art" aria-hidden="true">
          <Icon name="key" size={56} />
        </span>
        <p>{t('securityKey.insert.body')}</p>
      </div>
      <div aria-live="polite" data-testid="security-key-devices">
        {devices === null ? null : list.length === 0 ? (
          <p className="ks-key-waiting">
            <span className="ks-spinner" aria-hidden="true" /> {t('securityKey.insert.waiting')}
          </p>
        ) : list.length === 1 ? (
          <p className="ks-key-found">
            <Icon name="key" />{' '}
            {t('securityKey.insert.found', { name: label(list[0], virtualIndex(list[0])) })}
          </p>
        ) : (
          <fieldset className="ks-key-choice">
            <legend>{t('securityKey.insert.choose', { count: list.length })}</legend>
            {list.map((d) => (
              <label key={d.deviceId} className="ks-key-choice__option">
                <input
                  type="radio"
                  name={groupName}
                  value={d.deviceId}
                  checked={selected === d.deviceId}
                  onChange={() => setChosen(d.deviceId)}
                />
                <span>{label(d, virtualIndex(d))}</span>
              </label>
            ))}
          </fieldset>
        )}
      </div>
    </FlowStep>
  );
}

function KeyInfoStep({
  keyInfo,
  onNext,
  cancelButton,
}: {
  keyInfo: SecurityKeyStart;
  onNext(): void;
  cancelButton: React.ReactNode;
}) {
  const { t } = useI18n();
  return (
    <FlowStep
      title={t('securityKey.info.title')}
      testId="security-key-info"
      onSubmit={onNext}
      actions={
        <>
          {cancelButton}
          <Button type="submit" variant="primary">
            {t('common.next')}
          </Button>
        </>
      }
    >
      <dl className="ks-key-facts">
        <dt>{t('securityKey.info.model')}</dt>
        <dd data-testid="key-model">
          {keyInfo.isVirtual ? t('securityInfo.virtualKey') : keyInfo.model}
        </dd>
        <dt>{t('securityKey.info.firmware')}</dt>
        <dd>{formatFirmware(keyInfo.firmware) ?? t('securityKey.info.unknown')}</dd>
        <dt>{t('securityKey.info.standards')}</dt>
        <dd data-testid="key-standards">{formatVersions(keyInfo.versions)}</dd>
        <dt>{t('securityKey.info.pin')}</dt>
        <dd data-testid="key-pin-state">
          {keyInfo.mustChangePin ? (
            <strong className="ks-key-pin-must-change">
              {t('securityKey.info.pinMustChange')}
            </strong>
          ) : keyInfo.pinSet ? (
            t('securityKey.info.pinSetTries', { count: keyInfo.pinRetries ?? 0 })
          ) : (
            t('securityKey.info.pinNotSet')
          )}
        </dd>
      </dl>
      <p>
        {keyInfo.pinStep === 'set'
          ? t('securityKey.info.nextSetPin')
          : keyInfo.pinStep === 'change'
            ? t('securityKey.info.nextChangePin')
            : keyInfo.pinStep === 'verify'
              ? t('securityKey.info.nextEnterPin')
              : t('securityKey.info.nextTouch')}
      </p>
    </FlowStep>
  );
}

/** Create a PIN (rules shown live, confirmation field) or enter the key's PIN. */
function PinStep({
  keyInfo,
  onAccepted,
  onMustChange,
  onFatal,
  cancelButton,
}: {
  keyInfo: SecurityKeyStart;
  onAccepted(): void;
  onMustChange(): void;
  onFatal(error: ContractError): void;
  cancelButton: React.ReactNode;
}) {
  const api = useApi();
  const i18n = useI18n();
  const { t } = i18n;
  const [pin, setPin] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [confirmError, setConfirmError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const rulesId = useId();
  const creating = keyInfo.pinStep === 'set';
  const rules = pinRuleState(pin, keyInfo.pinPolicy);

  const submit = async () => {
    if (busy) return;
    setError(null);
    setConfirmError(null);
    if (creating) {
      if (!pinAcceptable(rules)) {
        setError(t('securityKey.pin.notAcceptable'));
        return;
      }
      if (pin !== confirmation) {
        setConfirmError(t('securityKey.errors.pin.mismatch'));
        return;
      }
    } else if (pin.length === 0) {
      setError(t('securityKey.pin.enterIt'));
      return;
    }
    setBusy(true);
    const r = creating
      ? await api.securityKey.setPin({ enrollmentId: keyInfo.enrollmentId, pin, confirmation })
      : await api.securityKey.verifyPin({ enrollmentId: keyInfo.enrollmentId, pin });
    setBusy(false);
    if (r.ok) {
      onAccepted();
      return;
    }
    const code = r.error.code;
    if (r.error.kind === 'station' && code === 'securityKey.pinChangeRequired') {
      onMustChange();
      return;
    }
    if (
      r.error.kind === 'station' &&
      (code.startsWith('pin.') || code === 'securityKey.wrongPin')
    ) {
      setPin('');
      setConfirmation('');
      const retriesLeft = Number(r.error.params?.retriesLeft ?? -1);
      setError(
        code === 'securityKey.wrongPin' && retriesLeft >= 0
          ? t('securityKey.errors.securityKey.wrongPinTries', { count: retriesLeft })
          : keyErrorText(i18n, r.error, ''),
      );
      return;
    }
    onFatal(r.error);
  };

  const ruleItem = (ok: boolean, text: string) => <PinRule ok={ok} text={text} />;

  return (
    <FlowStep
      title={creating ? t('securityKey.pin.createTitle') : t('securityKey.pin.enterTitle')}
      testId="security-key-pin"
      onSubmit={() => void submit()}
      actions={
        <>
          {cancelButton}
          <Button type="submit" variant="primary" unavailable={busy}>
            {t('common.next')}
          </Button>
        </>
      }
    >
      <p>{creating ? t('securityKey.pin.createBody') : t('securityKey.pin.enterBody')}</p>
      <TextField
        label={creating ? t('securityKey.pin.newPin') : t('securityKey.pin.pin')}
        type="password"
        autoComplete={creating ? 'new-password' : 'current-password'}
        inputMode="numeric"
        value={pin}
        error={error}
        aria-describedby={creating ? rulesId : undefined}
        onChange={(e) => setPin(e.target.value)}
        data-testid="pin-input"
      />
      {creating ? (
        <>
          <ul className="ks-pin-rules" id={rulesId} data-testid="pin-rules">
            {ruleItem(
              rules.longEnough,
              t('securityKey.pin.ruleLength', { count: keyInfo.pinPolicy.minLength }),
            )}
            {keyInfo.pinPolicy.rejectTrivial
              ? ruleItem(rules.notTrivial, t('securityKey.pin.ruleTrivial'))
              : null}
            {ruleItem(
              confirmation.length > 0 && confirmation === pin,
              t('securityKey.pin.ruleMatch'),
            )}
          </ul>
          <TextField
            label={t('securityKey.pin.confirm')}
            type="password"
            autoComplete="new-password"
            inputMode="numeric"
            value={confirmation}
            error={confirmError}
            onChange={(e) => setConfirmation(e.target.value)}
            data-testid="pin-confirm"
          />
        </>
      ) : keyInfo.pinRetries !== null ? (
        <p className="ks-muted">
          {t('securityKey.info.pinSetTries', { count: keyInfo.pinRetries })}
        </p>
      ) : null}
    </FlowStep>
  );
}

/** One line of the live PIN checklist: ✓ met / ○ not yet (said in words to screen readers). */
function PinRule({ ok, text }: { ok: boolean; text: string }) {
  const { t } = useI18n();
  return (
    <li className={ok ? 'ks-pin-rule ks-pin-rule--ok' : 'ks-pin-rule'}>
      <span aria-hidden="true">{ok ? '✓' : '○'}</span> {text}
      <span className="ks-visually-hidden">
        {ok ? t('securityKey.pin.ruleMet') : t('securityKey.pin.ruleNotMet')}
      </span>
    </li>
  );
}

/**
 * "Your security key needs a new PIN" (SPEC §2; the key says forcePINChange, CTAP 2.1
 * §6.5.5.6 changePIN): the current PIN, a new PIN with the live checklist (the organization's
 * rules and the key's own minimum, both in pinPolicy.minLength; not the current PIN) and its
 * confirmation. A wrong current PIN says the tries left, as the enter-PIN step does; main checks
 * every rule again before anything reaches the key.
 */
function ChangePinStep({
  keyInfo,
  onAccepted,
  onFatal,
  cancelButton,
}: {
  keyInfo: SecurityKeyStart;
  onAccepted(): void;
  onFatal(error: ContractError): void;
  cancelButton: React.ReactNode;
}) {
  const api = useApi();
  const i18n = useI18n();
  const { t } = i18n;
  const [current, setCurrent] = useState('');
  const [pin, setPin] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [currentError, setCurrentError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirmError, setConfirmError] = useState<string | null>(null);
  const [retries, setRetries] = useState(keyInfo.pinRetries);
  const [busy, setBusy] = useState(false);
  const rulesId = useId();
  const rules = pinRuleState(pin, keyInfo.pinPolicy);
  const different = pin.length > 0 && pin.normalize('NFC') !== current.normalize('NFC');

  const submit = async () => {
    if (busy) return;
    setCurrentError(null);
    setError(null);
    setConfirmError(null);
    if (current.length === 0) {
      setCurrentError(t('securityKey.changePin.enterCurrent'));
      return;
    }
    if (!pinAcceptable(rules)) {
      setError(t('securityKey.pin.notAcceptable'));
      return;
    }
    if (!different) {
      setError(t('securityKey.errors.pin.sameAsCurrent'));
      return;
    }
    if (pin !== confirmation) {
      setConfirmError(t('securityKey.errors.pin.mismatch'));
      return;
    }
    setBusy(true);
    const r = await api.securityKey.changePin({
      enrollmentId: keyInfo.enrollmentId,
      currentPin: current,
      newPin: pin,
      confirmation,
    });
    setBusy(false);
    if (r.ok) {
      onAccepted();
      return;
    }
    const code = r.error.code;
    if (r.error.kind !== 'station') return onFatal(r.error);
    if (code === 'securityKey.wrongPin') {
      setCurrent('');
      const retriesLeft = Number(r.error.params?.retriesLeft ?? -1);
      if (retriesLeft >= 0) setRetries(retriesLeft);
      setCurrentError(keyErrorText(i18n, r.error, ''));
      return;
    }
    if (code === 'input.invalid' && r.error.params?.field === 'currentPin') {
      setCurrent('');
      setCurrentError(t('securityKey.changePin.enterCurrent'));
      return;
    }
    if (code === 'pin.mismatch') {
      setConfirmation('');
      setConfirmError(keyErrorText(i18n, r.error, ''));
      return;
    }
    if (code.startsWith('pin.')) {
      setPin('');
      setConfirmation('');
      setError(keyErrorText(i18n, r.error, ''));
      return;
    }
    onFatal(r.error);
  };

  return (
    <FlowStep
      title={t('securityKey.changePin.title')}
      testId="security-key-change-pin"
      onSubmit={() => void submit()}
      actions={
        <>
          {cancelButton}
          <Button type="submit" variant="primary" unavailable={busy}>
            {t('common.next')}
          </Button>
        </>
      }
    >
      <p>{t('securityKey.changePin.body')}</p>
      <TextField
        label={t('securityKey.changePin.currentPin')}
        hint={t('securityKey.changePin.currentHint')}
        type="password"
        autoComplete="current-password"
        inputMode="numeric"
        value={current}
        error={currentError}
        onChange={(e) => {
          setCurrent(e.target.value);
          setCurrentError(null);
        }}
        data-testid="current-pin-input"
      />
      {retries !== null ? (
        <p className="ks-muted" data-testid="change-pin-tries">
          {t('securityKey.changePin.triesLeft', { count: retries })}
        </p>
      ) : null}
      <TextField
        label={t('securityKey.changePin.newPin')}
        type="password"
        autoComplete="new-password"
        inputMode="numeric"
        value={pin}
        error={error}
        aria-describedby={rulesId}
        onChange={(e) => {
          // The checklist below says live what is still missing; an old message would not.
          setPin(e.target.value);
          setError(null);
        }}
        data-testid="pin-input"
      />
      <ul className="ks-pin-rules" id={rulesId} data-testid="pin-rules">
        <PinRule
          ok={rules.longEnough}
          text={t('securityKey.pin.ruleLength', { count: keyInfo.pinPolicy.minLength })}
        />
        {keyInfo.pinPolicy.rejectTrivial ? (
          <PinRule ok={rules.notTrivial} text={t('securityKey.pin.ruleTrivial')} />
        ) : null}
        <PinRule ok={different} text={t('securityKey.changePin.ruleDifferent')} />
        <PinRule
          ok={confirmation.length > 0 && confirmation === pin}
          text={t('securityKey.pin.ruleMatch')}
        />
      </ul>
      <TextField
        label={t('securityKey.changePin.confirm')}
        type="password"
        autoComplete="new-password"
        inputMode="numeric"
        value={confirmation}
        error={confirmError}
        onChange={(e) => setConfirmation(e.target.value)}
        data-testid="pin-confirm"
      />
    </FlowStep>
  );
}

/** "Touch your security key": an animation plus a live region, driven by keepalive UPNEEDED. */
function TouchStep({
  phase,
  touch,
  virtual,
  deviceId,
  notice,
  cancelButton,
}: {
  phase: 'register' | 'test';
  touch: TouchState;
  virtual: boolean;
  deviceId: string;
  /** What just succeeded before this step (e.g. "The PIN was changed."). */
  notice?: string | null;
  cancelButton: React.ReactNode;
}) {
  const api = useApi();
  const { t } = useI18n();
  const status =
    touch === 'touchNeeded'
      ? t('securityKey.touch.now')
      : touch === 'touched'
        ? t('securityKey.touch.touched')
        : t('securityKey.touch.working');
  return (
    <FlowStep
      title={phase === 'register' ? t('securityKey.touch.title') : t('securityKey.touch.testTitle')}
      testId={phase === 'register' ? 'security-key-touch' : 'security-key-test'}
      actions={cancelButton}
    >
      {notice ? (
        <p className="ks-notice ks-notice--success" data-testid="security-key-notice">
          {notice}
        </p>
      ) : null}
      <p>{phase === 'register' ? t('securityKey.touch.body') : t('securityKey.touch.testBody')}</p>
      <div className={`ks-touch ks-touch--${touch}`} aria-hidden="true">
        <span className="ks-touch__ring" />
        <span className="ks-touch__ring ks-touch__ring--late" />
        <span className="ks-touch__key">
          <Icon name="key" size={64} />
        </span>
      </div>
      <p className="ks-touch__status" role="status" aria-live="polite" data-testid="touch-status">
        {status}
      </p>
      {virtual && touch === 'touchNeeded' ? (
        <p className="ks-touch__demo">
          <Button
            variant="primary"
            data-testid="virtual-touch"
            onClick={() => void api.virtualKey.touch({ deviceId })}
          >
            {t('securityKey.touch.virtualTouch')}
          </Button>
        </p>
      ) : null}
    </FlowStep>
  );
}

function NameStep({
  keyInfo,
  error,
  onNext,
  cancelButton,
}: {
  keyInfo: SecurityKeyStart;
  error: ContractError | null;
  onNext(name: string): void;
  cancelButton: React.ReactNode;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const [name, setName] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const shown = localError ?? (error ? keyErrorText(i18n, error, '') : null);
  return (
    <FlowStep
      title={t('securityKey.name.title')}
      testId="security-key-name"
      onSubmit={() => {
        const trimmed = name.trim();
        if (trimmed.length === 0) return setLocalError(t('securityKey.name.required'));
        if ([...trimmed].length > keyInfo.maxNameLength)
          return setLocalError(
            t('securityKey.errors.securityKey.nameInvalid', { max: keyInfo.maxNameLength }),
          );
        setLocalError(null);
        onNext(trimmed);
      }}
      actions={
        <>
          {cancelButton}
          <Button type="submit" variant="primary">
            {t('common.next')}
          </Button>
        </>
      }
    >
      <p>{t('securityKey.name.body')}</p>
      <TextField
        label={t('securityKey.name.label')}
        hint={t('securityKey.name.hint', { max: keyInfo.maxNameLength })}
        value={name}
        error={shown}
        maxLength={keyInfo.maxNameLength + 8}
        autoComplete="off"
        onChange={(e) => setName(e.target.value)}
        data-testid="key-name-input"
      />
    </FlowStep>
  );
}

function ErrorStep({
  error,
  personName,
  retryLabel,
  onRetry,
  cancelButton,
}: {
  error: ContractError;
  personName: string;
  retryLabel: string;
  onRetry(): void;
  cancelButton: React.ReactNode;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <FlowStep
      title={t('securityKey.errorStep.title')}
      testId="security-key-error"
      onSubmit={onRetry}
      actions={
        <>
          {cancelButton}
          <Button type="submit" variant="primary">
            {retryLabel}
          </Button>
        </>
      }
    >
      <div
        className="ks-notice ks-notice--error"
        role="alert"
        data-testid="security-key-error-message"
      >
        <p className="ks-notice__title">{keyErrorText(i18n, error, personName)}</p>
        <p>{keyNextStep(i18n, error)}</p>
      </div>
    </FlowStep>
  );
}

/** The flow's own words for a key error (SPEC §3.3), else the shared message for the code. */
export function keyErrorText(
  i18n: ReturnType<typeof useI18n>,
  error: ContractError,
  personName: string,
): string {
  const params = { ...(error.params ?? {}), person: personName };
  const retriesLeft = error.params?.retriesLeft;
  if (
    error.code === 'securityKey.wrongPin' &&
    typeof retriesLeft === 'number' &&
    retriesLeft >= 0
  ) {
    return i18n.t('securityKey.errors.securityKey.wrongPinTries', { count: retriesLeft });
  }
  return i18n.tDynamic(`securityKey.errors.${error.code}`, i18n.error(error), params);
}

function keyNextStep(i18n: ReturnType<typeof useI18n>, error: ContractError): string {
  return i18n.tDynamic(
    `securityKey.next.${error.code}`,
    i18n.t('securityKey.next.default'),
    error.params ?? {},
  );
}
