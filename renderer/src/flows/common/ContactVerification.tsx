/**
 * What phone and email share (DESIGN.md §3.5–3.6): the contact options, the "confirm in person"
 * choice, the pending enrollment with its begin / complete / confirm / cancel calls, and the
 * code step — where the code went, the offline outbox stated plainly, the demo outbox (demo
 * stations only), the code field — or the operator's in-person confirmation.
 */
import { useEffect, useId, useState, type KeyboardEvent, type ReactNode } from 'react';
import { MAX_PIN_BYTES } from '../../../../domain/pin';
import type {
  ContactOptions,
  ContractError,
  DemoMessage,
  Delivery,
  MethodSummary,
  KeystationApi,
  Result,
} from '../../../../preload/contract';
import { useApi } from '../../api/ApiProvider';
import { Button } from '../../components/Button';
import {
  cleanCode,
  FlowActions,
  CodeField,
  FlowError,
  FlowStep,
  FlowSubmit,
} from '../../components/FlowParts';
import { Notice } from '../../components/Status';
import { TextField } from '../../components/TextField';
import { useErrorText } from '../../pages/operator/access';
import { KeyTouchPrompt } from '../../pages/operator/KeyTouchPrompt';
import { useI18n } from '../../i18n/I18nProvider';
import { mustStartOver, useEnrollmentCall, useFlowCompletion } from './useEnrollment';

/** The station's contact options; when they can't be read, the safe reading (offline, no desk). */
export async function loadContactOptions(api: KeystationApi): Promise<ContactOptions> {
  const o = await api.enrollment.contactOptions({});
  return o.ok
    ? o.value
    : {
        gateway: 'outbox',
        canConfirmInPerson: false,
        demo: false,
        canReadOutbox: false,
        canAskStaff: false,
      };
}

/** The operator's "confirm in person instead" choice, only where the station allows it. */
export function InPersonOption({
  options,
  checked,
  onChange,
}: {
  options: ContactOptions;
  checked: boolean;
  onChange(checked: boolean): void;
}) {
  const { t } = useI18n();
  if (!options.canConfirmInPerson) return null;
  return (
    <label className="ks-flow-check">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {t('enroll.inPerson.option')}
    </label>
  );
}

interface PendingContact {
  enrollmentId: string;
  delivery: Delivery;
}

/** The contract calls of one contact method (`phone…` or `email…`) after its begin call. */
export interface ContactCalls {
  complete(enrollmentId: string, code: string): Promise<Result<MethodSummary>>;
  confirmInPerson(enrollmentId: string): Promise<Result<MethodSummary>>;
  cancel(enrollmentId: string): void;
}

/**
 * A phone or email enrollment from "send the code" to "added": the first step while nothing is
 * pending, the code (or in-person) step while it is, done once the method is stored.
 */
export function useContactEnrollment<V extends PendingContact>(
  calls: ContactCalls,
  onDone: (changed: boolean) => void,
) {
  const completion = useFlowCompletion(onDone, calls.cancel);
  const { busy, error, setError, run } = useEnrollmentCall();
  const [started, setStarted] = useState<V | null>(null);
  const [added, setAdded] = useState<MethodSummary | null>(null);
  const [code, setCode] = useState('');

  const begin = async (call: () => Promise<Result<V>>) => {
    const r = await run(call);
    if (!r.ok) return;
    completion.started(r.value.enrollmentId);
    setStarted(r.value);
    setCode('');
  };

  const succeed = (m: MethodSummary) => {
    completion.added();
    setAdded(m);
  };

  const verify = async () => {
    if (!started) return;
    const r = await run(() => calls.complete(started.enrollmentId, cleanCode(code)));
    if (r.ok) return succeed(r.value);
    setCode('');
    if (mustStartOver(r.error)) {
      completion.dropped();
      setStarted(null);
    }
  };

  const confirmInPerson = async () => {
    if (!started) return;
    const r = await run(() => calls.confirmInPerson(started.enrollmentId));
    if (r.ok) succeed(r.value);
  };

  /** "Back" from the code step: the sent code is withdrawn and the person may change the input. */
  const back = () => {
    if (!started) return;
    calls.cancel(started.enrollmentId);
    completion.dropped();
    setStarted(null);
    setError(null);
  };

  const stage: 'entry' | 'code' | 'done' = added ? 'done' : started ? 'code' : 'entry';
  return {
    stage,
    started,
    added,
    /** Staff confirmed at the kiosk (StaffConfirm): the method is stored. */
    succeed,
    code,
    setCode,
    busy,
    error,
    setError,
    begin,
    verify,
    confirmInPerson,
    back,
    report: completion.report,
    onDone,
  };
}

export type ContactEnrollment<V extends PendingContact> = ReturnType<
  typeof useContactEnrollment<V>
>;

/**
 * The step after "send": the operator confirms in person, or the person types the code that
 * was sent (`sent` says where). `notice` comes first on either (the phone's removed extension).
 */
export function ContactCodeStep<V extends PendingContact>({
  method,
  enrollment,
  options,
  heading,
  sent,
  saved,
  sentTestId,
  inPerson,
  staffBody,
  notice,
}: {
  /** Test id prefix: `phone` or `email`. */
  method: string;
  enrollment: ContactEnrollment<V>;
  options: ContactOptions;
  heading: string;
  /** Where the code went (a gateway is configured). */
  sent: string;
  /** Where the code waits (offline station: the outbox), said instead of `sent`. */
  saved: string;
  sentTestId?: string;
  inPerson: string;
  /** At a kiosk: what staff confirm on this screen (StaffConfirm). */
  staffBody: string;
  notice?: ReactNode;
}) {
  const { t } = useI18n();
  const { started, busy, error, onDone } = enrollment;
  if (!started) return null;
  if (started.delivery === 'inPerson') {
    return (
      <FlowStep
        testId={`${method}-step-in-person`}
        title={t('enroll.inPerson.heading')}
        onSubmit={() => void enrollment.confirmInPerson()}
        actions={<FlowActions onDone={onDone} busy={busy} submit={t('enroll.inPerson.confirm')} />}
      >
        {notice}
        <p>{inPerson}</p>
        <FlowError error={error} />
      </FlowStep>
    );
  }
  return (
    <FlowStep
      testId={`${method}-step-code`}
      title={heading}
      onSubmit={() => void enrollment.verify()}
      actions={
        <>
          <Button onClick={enrollment.back} disabled={busy}>
            {t('common.back')}
          </Button>
          <FlowSubmit busy={busy}>{t('enroll.verify')}</FlowSubmit>
        </>
      }
    >
      {notice}
      {/* One true sentence: "sent" only when a gateway sends; offline, where the code waits. */}
      {options.gateway === 'outbox' ? (
        <Notice tone="info">
          <p data-testid={sentTestId}>{saved}</p>
        </Notice>
      ) : (
        <p data-testid={sentTestId}>{sent}</p>
      )}
      {options.canReadOutbox ? (
        <DemoOutbox enrollmentId={started.enrollmentId} demo={options.demo} />
      ) : null}
      <CodeField
        label={t('enroll.codeLabel')}
        value={enrollment.code}
        onChange={enrollment.setCode}
      />
      <FlowError error={error} />
      {options.canAskStaff ? (
        <StaffConfirm
          method={method === 'email' ? 'email' : 'phone'}
          enrollmentId={started.enrollmentId}
          body={staffBody}
          onConfirmed={enrollment.succeed}
        />
      ) : null}
    </FlowStep>
  );
}

/**
 * At a kiosk: staff confirm the person's number or address on the same screen with their own
 * key or password — kiosk mode and the person's session stay, and the person goes on.
 */
function StaffConfirm({
  method,
  enrollmentId,
  body,
  onConfirmed,
}: {
  method: 'phone' | 'email';
  enrollmentId: string;
  body: string;
  onConfirmed(m: MethodSummary): void;
}) {
  const api = useApi();
  const { t } = useI18n();
  const errorText = useErrorText();
  const headingId = useId();
  const [open, setOpen] = useState(false);
  const [how, setHow] = useState<'key' | 'password'>('key');
  const [username, setUsername] = useState('');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ContractError | null>(null);

  if (!open) {
    return (
      <p className="ks-staff-confirm__open">
        <Button variant="link" onClick={() => setOpen(true)} data-testid="staff-confirm-open">
          {t('enroll.staff.open')}
        </Button>
      </p>
    );
  }

  const submit = async () => {
    if (busy || secret === '') return;
    setBusy(true);
    setError(null);
    const user = username.trim();
    const r =
      how === 'key'
        ? await api.kiosk.confirmContactWithKey({
            enrollmentId,
            method,
            pin: secret,
            ...(user ? { username: user } : {}),
          })
        : await api.kiosk.confirmContactWithPassword({
            enrollmentId,
            method,
            username: user,
            password: secret,
          });
    setBusy(false);
    setSecret('');
    if (r.ok) onConfirmed(r.value);
    else setError(r.error);
  };
  // Inside the code step's form: Enter here confirms here, not the code.
  const onEnter = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    void submit();
  };

  return (
    <section
      className="ks-staff-confirm"
      aria-labelledby={headingId}
      aria-busy={busy}
      data-testid="staff-confirm"
    >
      <h4 id={headingId} className="ks-staff-confirm__title">
        {t('enroll.staff.heading')}
      </h4>
      <p>{body}</p>
      <fieldset className="ks-op-tabs">
        <legend className="ks-visually-hidden">{t('operator.signIn.method')}</legend>
        <label>
          <input
            type="radio"
            checked={how === 'key'}
            onChange={() => {
              setHow('key');
              setSecret('');
            }}
          />
          {t('operator.signIn.withKey')}
        </label>
        <label>
          <input
            type="radio"
            checked={how === 'password'}
            onChange={() => {
              setHow('password');
              setSecret('');
            }}
          />
          {t('operator.signIn.withPassword')}
        </label>
      </fieldset>
      <TextField
        label={
          how === 'key' ? t('operator.signIn.usernameOptional') : t('operator.signIn.username')
        }
        value={username}
        autoComplete="off"
        spellCheck={false}
        maxLength={64}
        onKeyDown={onEnter}
        onChange={(e) => setUsername(e.target.value)}
      />
      <TextField
        label={how === 'key' ? t('operator.signIn.pin') : t('operator.signIn.password')}
        type="password"
        autoComplete="off"
        inputMode={how === 'key' ? 'numeric' : undefined}
        maxLength={how === 'key' ? MAX_PIN_BYTES : 256}
        value={secret}
        onKeyDown={onEnter}
        onChange={(e) => setSecret(e.target.value)}
      />
      <KeyTouchPrompt operationId="operator-confirm" active={busy && how === 'key'} />
      {error ? (
        <p className="ks-field__error" role="alert" data-testid="staff-confirm-error">
          {errorText(error)}
        </p>
      ) : null}
      <div className="ks-flow-step__actions">
        <Button onClick={() => setOpen(false)} disabled={busy}>
          {t('common.cancel')}
        </Button>
        <Button variant="primary" unavailable={busy} onClick={() => void submit()}>
          {t('enroll.inPerson.confirm')}
        </Button>
      </div>
    </section>
  );
}

/**
 * What the outbox recorded for this enrollment: on a demo station (training and tests need no
 * real phone) or for the signed-in operator at the desk of an offline station.
 */
export function DemoOutbox({ enrollmentId, demo }: { enrollmentId: string; demo: boolean }) {
  const api = useApi();
  const { t } = useI18n();
  const [message, setMessage] = useState<DemoMessage | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void api.enrollment.demoMessage({ enrollmentId }).then((r) => {
      if (live) setMessage(r.ok ? r.value : null);
    });
    return () => {
      live = false;
    };
  }, [api, enrollmentId]);
  if (message === undefined) return null;
  const title = demo ? t('enroll.demo.title') : t('enroll.demo.staffTitle');
  return (
    <section className="ks-demo-outbox" data-testid="demo-outbox" aria-label={title}>
      <p className="ks-demo-outbox__title">{title}</p>
      <p className="ks-demo-outbox__text" data-testid="demo-outbox-text">
        {message ? message.text : t('enroll.demo.none')}
      </p>
    </section>
  );
}
