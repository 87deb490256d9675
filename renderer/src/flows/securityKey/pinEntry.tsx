/**
 * The PIN entry shared by the create-PIN, enter-PIN and change-PIN steps: the typed PIN and its
 * confirmation with their messages, Next unavailable while the key answers, the new PIN's own
 * checks, and the fields with the live checklist of the organization's rules (DESIGN.md §2). main
 * checks every rule again before anything reaches the key.
 */
import { useId, useState, type ReactNode } from 'react';
import type { ContractError, SecurityKeyStart } from '../../../../preload/contract';
import { TextField } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { pinAcceptable, pinRuleState } from '../../../../domain/pin';

/** What the flow gives a PIN step (create, enter or change the PIN). */
export interface PinStepProps {
  keyInfo: SecurityKeyStart;
  /** The key took the PIN: on to the touch step. */
  onAccepted(): void;
  /** An error that ends the enrollment (the flow's error step). */
  onFatal(error: ContractError): void;
  cancelButton: ReactNode;
}

export function usePinEntry(policy: SecurityKeyStart['pinPolicy']) {
  const { t } = useI18n();
  const [pin, setPin] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [confirmError, setConfirmError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const rulesId = useId();
  const rules = pinRuleState(pin, policy);

  return {
    pin,
    setPin,
    confirmation,
    setConfirmation,
    error,
    setError,
    confirmError,
    setConfirmError,
    busy,
    rulesId,
    rules,
    /** A new submit: false while the last one still waits for the key, else old messages go. */
    begin(): boolean {
      if (busy) return false;
      setError(null);
      setConfirmError(null);
      return true;
    },
    /**
     * The new PIN's own checks (the organization's rules, not the current PIN when `different`
     * says so, the confirmation); false after saying what is wrong.
     */
    checkNewPin(different = true): boolean {
      if (!pinAcceptable(rules)) {
        setError(t('securityKey.pin.notAcceptable'));
        return false;
      }
      if (!different) {
        setError(t('securityKey.errors.pin.sameAsCurrent'));
        return false;
      }
      if (pin !== confirmation) {
        setConfirmError(t('securityKey.errors.pin.mismatch'));
        return false;
      }
      return true;
    },
    /** One request to main, with Next unavailable until it answers. */
    async send<T>(request: () => Promise<T>): Promise<T> {
      setBusy(true);
      const answer = await request();
      setBusy(false);
      return answer;
    },
    /** A refused PIN is typed again from the start, confirmation too. */
    clear() {
      setPin('');
      setConfirmation('');
    },
  };
}

export type PinEntry = ReturnType<typeof usePinEntry>;

/** The PIN field: the key's current PIN, or a new one described by the checklist. */
export function PinField({
  entry,
  label,
  isNew,
  onTyped,
}: {
  entry: PinEntry;
  label: string;
  isNew: boolean;
  onTyped?(): void;
}) {
  return (
    <TextField
      label={label}
      type="password"
      autoComplete={isNew ? 'new-password' : 'current-password'}
      inputMode="numeric"
      value={entry.pin}
      error={entry.error}
      aria-describedby={isNew ? entry.rulesId : undefined}
      onChange={(e) => {
        entry.setPin(e.target.value);
        onTyped?.();
      }}
      data-testid="pin-input"
    />
  );
}

/**
 * A new PIN: its field, the live checklist (length, not trivial when the policy says so, any
 * `extraRule`, the confirmation matches) and the confirmation field.
 */
export function NewPinFields({
  entry,
  pinLabel,
  confirmLabel,
  policy,
  extraRule,
  onTyped,
}: {
  entry: PinEntry;
  pinLabel: string;
  confirmLabel: string;
  policy: SecurityKeyStart['pinPolicy'];
  extraRule?: { ok: boolean; text: string };
  onTyped?(): void;
}) {
  const { t } = useI18n();
  const { pin, confirmation, rules } = entry;
  return (
    <>
      <PinField entry={entry} label={pinLabel} isNew onTyped={onTyped} />
      <ul className="ks-pin-rules" id={entry.rulesId} data-testid="pin-rules">
        <PinRule
          ok={rules.longEnough}
          text={t('securityKey.pin.ruleLength', { count: policy.minLength })}
        />
        {policy.rejectTrivial ? (
          <PinRule ok={rules.notTrivial} text={t('securityKey.pin.ruleTrivial')} />
        ) : null}
        {extraRule ? <PinRule ok={extraRule.ok} text={extraRule.text} /> : null}
        <PinRule
          ok={confirmation.length > 0 && confirmation === pin}
          text={t('securityKey.pin.ruleMatch')}
        />
      </ul>
      <TextField
        label={confirmLabel}
        type="password"
        autoComplete="new-password"
        inputMode="numeric"
        value={confirmation}
        error={entry.confirmError}
        onChange={(e) => entry.setConfirmation(e.target.value)}
        data-testid="pin-confirm"
      />
    </>
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
