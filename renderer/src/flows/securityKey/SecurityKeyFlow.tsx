/**
 * The security key flow (DESIGN.md §3.3): insert (hot-plug, choose a key) → key info → create or
 * enter the PIN → "Touch your security key" (makeCredential; keepalive UPNEEDED drives the
 * prompt) → name the key → test sign-in (touch again) → done. Every failure becomes a plain
 * message with the next step; Cancel, the dialog's close button and Escape all cancel what the
 * key is doing (main aborts → CTAPHID CANCEL). A key that demands a new PIN (forcePINChange, DESIGN.md
 * §2 "force the person to change a PIN the operator set") gets the change-PIN step instead of
 * the enter-PIN step, and the ceremony then continues as usual.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ContractError, MethodSummary, SecurityKeyStart } from '../../../../preload/contract';
import { useApi, useCall } from '../../api/ApiProvider';
import { Button } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import type { FlowProps } from '../index';
import { ChangePinStep } from './steps/ChangePinStep';
import { DoneStep } from './steps/DoneStep';
import { ErrorStep } from './steps/ErrorStep';
import { InsertStep } from './steps/InsertStep';
import { KeyInfoStep } from './steps/KeyInfoStep';
import { NameStep } from './steps/NameStep';
import { OpeningStep } from './steps/OpeningStep';
import { PinStep } from './steps/PinStep';
import { TouchStep, type TouchState } from './steps/TouchStep';
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
      /** What "Try again" does ("challenge": a new challenge from the provider, then touch). */
      retry: 'insert' | 'touch' | 'test' | 'challenge';
      key?: SecurityKeyStart;
      deviceId?: string;
      keyName?: string;
    };

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
      // The provider's challenge expired before the touch: online, one click gets a new one.
      const newChallenge =
        error.kind === 'station' &&
        code === 'idp.challengeExpired' &&
        error.params?.online === true &&
        from.key !== undefined &&
        from.keyName === undefined;
      const keepsEnrollment =
        newChallenge || (error.kind === 'station' && RETRY_SAME_STEP.has(code) && from.key);
      if (!keepsEnrollment && enrollmentId.current) {
        void api.securityKey.cancel({ enrollmentId: enrollmentId.current });
        enrollmentId.current = null;
      }
      const retry: 'insert' | 'touch' | 'test' | 'challenge' = newChallenge
        ? 'challenge'
        : keepsEnrollment
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

  /** "Get a new challenge" (a linked person's key, after the provider's challenge expired). */
  const freshChallenge = async (key: SecurityKeyStart, deviceId: string) => {
    const r = await api.securityKey.newChallenge({ enrollmentId: key.enrollmentId });
    if (!r.ok) return fail(r.error, { deviceId });
    await register(key, deviceId);
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
      body = <OpeningStep cancelButton={cancelButton} />;
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
      body = <DoneStep method={step.method} onDone={() => onDone(true)} />;
      break;
    case 'error':
      body = (
        <ErrorStep
          error={step.error}
          personName={person.displayName}
          retryLabel={
            step.retry === 'insert'
              ? t('securityKey.errorStep.startOver')
              : step.retry === 'challenge'
                ? t('securityKey.errorStep.newChallenge')
                : t('common.retry')
          }
          onRetry={() => {
            if (step.retry === 'challenge' && step.key && step.deviceId)
              void freshChallenge(step.key, step.deviceId);
            else if (step.retry === 'touch' && step.key && step.deviceId)
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

function stateDevice(step: Step): string | undefined {
  return 'deviceId' in step ? step.deviceId : undefined;
}

function stateVirtual(step: Step): boolean {
  if ('key' in step && step.key) return step.key.isVirtual;
  const id = stateDevice(step);
  return id !== undefined && id.startsWith('virtual-');
}
