/**
 * "Kan inte komma åt ditt konto?" and returning people's sign-in (docs/DESIGN.md §3.9): user ID →
 * one of the refusals in the reset portal's words (with "Kontakta en administratör"), or
 * verification with the person's own methods → a new password with the rules shown live (reset)
 * or the person's session (sign-in). Every rule is the station's; this page only asks.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type {
  AccessStatus,
  ContractError,
  ResetMethodOption,
  ResetView,
} from '../../../../preload/contract';
import { passwordRuleResults } from '../../../../domain/password';
import { useApi } from '../../api/ApiProvider';
import { Button, TextField } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { useErrorText } from '../operator/access';
import { KeyTouchPrompt } from '../operator/KeyTouchPrompt';

const KEY_OPERATION = 'password-reset-key';

function ErrorLine({ error }: { error: ContractError | null }) {
  const errorText = useErrorText();
  if (!error) return null;
  return (
    <p className="ks-field__error" role="alert" data-testid="reset-error">
      {errorText(error)}
    </p>
  );
}

function ContactAdmin({ resetId }: { resetId: string }) {
  const api = useApi();
  const { t } = useI18n();
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<ContractError | null>(null);
  if (sent)
    return (
      <p role="status" data-testid="reset-contact-sent">
        {t('reset.contactSent')}
      </p>
    );
  return (
    <>
      <Button
        variant="secondary"
        onClick={() =>
          void api.passwordReset.contactAdmin({ resetId }).then((r) => {
            if (r.ok) setSent(true);
            else setError(r.error);
          })
        }
      >
        {t('reset.contactAdmin')}
      </Button>
      <ErrorLine error={error} />
    </>
  );
}

function Refusal({ view }: { view: ResetView }) {
  const { t } = useI18n();
  const outcome = view.outcome as Exclude<ResetView['outcome'], 'verify'>;
  return (
    <div data-testid="reset-outcome" data-outcome={outcome}>
      <p className="ks-lead">
        <strong>{t(`reset.outcome.${outcome}.title`)}</strong>
      </p>
      {t(`reset.outcome.${outcome}.lines`)
        .split('\n')
        .map((line) => (
          <p key={line}>{line}</p>
        ))}
      {outcome !== 'passwordNotManaged' ? <ContactAdmin resetId={view.resetId} /> : null}
    </div>
  );
}

function MethodStep({
  view,
  method,
  onVerified,
}: {
  view: ResetView;
  method: ResetMethodOption;
  onVerified: (v: ResetView) => void;
}) {
  const api = useApi();
  const { t, language } = useI18n();
  const [code, setCode] = useState('');
  const [pin, setPin] = useState('');
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [error, setError] = useState<ContractError | null>(null);
  const resetId = view.resetId;

  async function run(
    f: () => Promise<{ ok: true; value: ResetView } | { ok: false; error: ContractError }>,
  ) {
    setBusy(true);
    setError(null);
    const r = await f();
    setBusy(false);
    setCode('');
    setPin('');
    if (r.ok) onVerified(r.value);
    else setError(r.error);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const methodId = method.methodId;
    if (method.kind === 'securityKey') {
      const devices = await api.securityKey.devices({});
      const device = devices.ok ? devices.value.devices[0] : undefined;
      if (!device) {
        setError({ kind: 'station', code: 'securityKey.notFound' });
        return;
      }
      await run(() =>
        api.passwordReset.verifyKey({
          resetId,
          deviceId: device.deviceId,
          pin,
          operationId: KEY_OPERATION,
        }),
      );
    } else if (method.kind === 'securityQuestions') {
      await run(() =>
        api.passwordReset.verifyQuestions({
          resetId,
          answers: view.questions.map((q) => ({ questionId: q.id, answer: answers[q.id] ?? '' })),
        }),
      );
    } else {
      await run(() => api.passwordReset.verifyCode({ resetId, methodId, code: code.trim() }));
    }
  }

  const sendable =
    method.kind === 'phoneSms' || method.kind === 'phoneCall' || method.kind === 'email';
  return (
    <form className="ks-op-form" onSubmit={(e) => void submit(e)} data-testid="reset-method-step">
      {method.kind === 'securityKey' ? (
        <>
          <TextField
            label={t('reset.pin')}
            type="password"
            autoComplete="off"
            maxLength={63}
            value={pin}
            onChange={(e) => setPin(e.target.value)}
          />
          <KeyTouchPrompt operationId={KEY_OPERATION} active={busy} />
          <Button type="submit" variant="primary" unavailable={busy || pin.length < 4}>
            {t('reset.verifyKey')}
          </Button>
        </>
      ) : method.kind === 'securityQuestions' ? (
        <>
          <p>{t('reset.answersFor')}</p>
          {view.questions.map((q) => (
            <TextField
              key={q.id}
              label={q.text[language]}
              autoComplete="off"
              maxLength={200}
              value={answers[q.id] ?? ''}
              onChange={(e) => setAnswers({ ...answers, [q.id]: e.target.value })}
            />
          ))}
          <Button type="submit" variant="primary" unavailable={busy}>
            {t('reset.verify')}
          </Button>
        </>
      ) : (
        <>
          {sendable ? (
            <Button
              variant="secondary"
              unavailable={busy}
              onClick={() =>
                void api.passwordReset
                  .sendCode({ resetId, methodId: method.methodId })
                  .then((r) => {
                    if (r.ok) setSent(true);
                    else setError(r.error);
                  })
              }
            >
              {t('reset.sendCode')}
            </Button>
          ) : null}
          {sent ? <p role="status">{t('reset.codeSent')}</p> : null}
          <TextField
            label={sendable ? t('reset.code') : t('reset.appCode')}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={16}
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <Button type="submit" variant="primary" unavailable={busy || code.trim() === ''}>
            {t('reset.verify')}
          </Button>
        </>
      )}
      <ErrorLine error={error} />
      {error?.code === 'reset.locked' ? <ContactAdmin resetId={resetId} /> : null}
    </form>
  );
}

function NewPassword({ view, upn }: { view: ResetView; upn: string }) {
  const api = useApi();
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ContractError | null>(null);
  const [done, setDone] = useState<{ forceChange: boolean } | null>(null);
  if (done)
    return (
      <p className="ks-lead" role="status" data-testid="reset-done">
        {done.forceChange ? t('reset.doneForce') : t('reset.done')}
      </p>
    );
  const rules = passwordRuleResults(password, { upn, displayName: '' });
  const mismatch = confirm !== '' && confirm !== password;
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy || mismatch || !rules.every((r) => r.ok)) return;
    setBusy(true);
    setError(null);
    const r = await api.passwordReset.setPassword({ resetId: view.resetId, password });
    setBusy(false);
    if (r.ok) {
      setPassword('');
      setConfirm('');
      setDone(r.value);
    } else setError(r.error);
  }
  return (
    <form className="ks-op-form" onSubmit={(e) => void submit(e)} data-testid="reset-password">
      <TextField
        label={t('reset.newPassword')}
        type="password"
        autoComplete="new-password"
        maxLength={256}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <ul className="ks-rules" aria-live="polite" data-testid="reset-rules">
        {rules.map((r) => (
          <li key={r.rule} data-ok={r.ok}>
            {r.ok ? '✓ ' : '○ '}
            {t(`reset.rules.${r.rule}`)}
          </li>
        ))}
      </ul>
      <TextField
        label={t('reset.confirmPassword')}
        type="password"
        autoComplete="new-password"
        maxLength={256}
        value={confirm}
        error={mismatch ? t('reset.mismatch') : null}
        onChange={(e) => setConfirm(e.target.value)}
      />
      <Button
        type="submit"
        variant="primary"
        unavailable={busy || mismatch || confirm === '' || !rules.every((r) => r.ok)}
      >
        {t('reset.setPassword')}
      </Button>
      <ErrorLine error={error} />
      {error?.code === 'reset.offline' || error?.code === 'sspr.passwordNotManaged' ? (
        <ContactAdmin resetId={view.resetId} />
      ) : null}
    </form>
  );
}

/**
 * The whole flow. `purpose: 'signIn'` (kiosk): a returning person verifies and is signed in;
 * `onSignedIn` gets the new access status.
 */
export function CantAccessAccount({
  purpose,
  onClose,
  onSignedIn,
}: {
  purpose: 'reset' | 'signIn';
  onClose: () => void;
  onSignedIn?: (status: AccessStatus) => void;
}) {
  const api = useApi();
  const { t, tDynamic } = useI18n();
  const [upn, setUpn] = useState('');
  const [view, setView] = useState<ResetView | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ContractError | null>(null);

  // A returning person who verified enough is signed in at once.
  useEffect(() => {
    if (purpose !== 'signIn' || !view?.complete) return;
    void api.passwordReset.signIn({ resetId: view.resetId }).then((r) => {
      if (r.ok) onSignedIn?.(r.value);
      else setError(r.error);
    });
  }, [api, purpose, view, onSignedIn]);

  async function start(e: FormEvent) {
    e.preventDefault();
    if (busy || !upn.trim()) return;
    setBusy(true);
    setError(null);
    const r = await api.passwordReset.start({ upn: upn.trim(), purpose });
    setBusy(false);
    if (r.ok) setView(r.value);
    else setError(r.error);
  }

  function close() {
    if (view) void api.passwordReset.cancel({ resetId: view.resetId });
    onClose();
  }

  let body;
  if (!view) {
    body = (
      <form className="ks-op-form" onSubmit={(e) => void start(e)}>
        <TextField
          label={t('reset.upn')}
          value={upn}
          autoComplete="off"
          spellCheck={false}
          maxLength={256}
          onChange={(e) => setUpn(e.target.value)}
        />
        <ErrorLine error={error} />
        <Button type="submit" variant="primary" unavailable={busy || !upn.trim()}>
          {t('reset.next')}
        </Button>
      </form>
    );
  } else if (view.outcome !== 'verify') {
    body = <Refusal view={view} />;
  } else if (view.complete && purpose === 'reset') {
    body = <NewPassword view={view} upn={upn.trim()} />;
  } else if (view.complete) {
    body = <ErrorLine error={error} />;
  } else {
    const open = view.methods.filter((m) => !m.verified);
    const method = open.find((m) => m.methodId === chosen) ?? null;
    body = (
      <div data-testid="reset-verify">
        <p className="ks-lead">
          {t('reset.step', { n: view.verifiedCount + 1, total: view.required })}
        </p>
        <p>{t('reset.choose')}</p>
        <ul className="ks-reset-methods">
          {view.methods.map((m) => (
            <li key={m.methodId}>
              <Button
                variant={m.methodId === chosen ? 'primary' : 'secondary'}
                unavailable={m.verified}
                data-testid={`reset-method-${m.kind}`}
                onClick={() => setChosen(m.methodId)}
              >
                {tDynamic(`methods.kind.${m.kind}`, m.kind)}
                {m.detail ? ` – ${m.detail}` : ''}
                {m.verified ? ` (${t('reset.verified')})` : ''}
              </Button>
            </li>
          ))}
        </ul>
        {method ? (
          <MethodStep
            key={method.methodId}
            view={view}
            method={method}
            onVerified={(v) => {
              setChosen(null);
              setView(v);
            }}
          />
        ) : null}
      </div>
    );
  }
  return (
    <div className="ks-kiosk" data-testid="reset-flow">
      {body}
      <Button variant="link" onClick={close}>
        {view && (view.outcome !== 'verify' || view.complete)
          ? t('reset.close')
          : t('reset.cancel')}
      </Button>
    </div>
  );
}
