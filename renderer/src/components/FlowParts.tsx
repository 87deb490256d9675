/**
 * Building blocks of the method flows (DESIGN.md §3.4–3.6): one step at a time with its heading
 * focused on arrival, a live region for errors, a one-time-code field, a success step.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import type { ContractError } from '../../../preload/contract';
import { useI18n, type I18n } from '../i18n/I18nProvider';
import { Button } from './Button';
import { TextField } from './TextField';
import './FlowParts.css';

export interface FlowStepProps {
  /** Translated step heading; focus moves to it whenever it changes. */
  title: string;
  children: ReactNode;
  /** Buttons (primary last). */
  actions?: ReactNode;
  /** Stable name for tests and screenshots. */
  testId?: string;
  onSubmit?(): void;
}

/**
 * One step of a flow, as a form so Enter submits. The heading takes focus on arrival — after
 * the dialog's own showModal focus (child effects run first, hence the timeout).
 */
export function FlowStep({ title, children, actions, testId, onSubmit }: FlowStepProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    const timer = setTimeout(() => heading.current?.focus(), 0);
    return () => clearTimeout(timer);
  }, [title]);
  return (
    <form
      className="ks-flow-step"
      data-testid={testId}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit?.();
      }}
    >
      <h3 className="ks-flow-step__title" tabIndex={-1} ref={heading}>
        {title}
      </h3>
      <div className="ks-flow-step__body">{children}</div>
      {actions ? <div className="ks-flow-step__actions">{actions}</div> : null}
    </form>
  );
}

/** A contract error in the flows' own words (`enroll.errors.<code>`), else the shared message. */
export function flowErrorMessage(i18n: I18n, error: ContractError): string {
  const params = error.params ?? {};
  const count =
    typeof params.attemptsLeft === 'number'
      ? params.attemptsLeft
      : typeof params.required === 'number'
        ? params.required
        : typeof params.minutes === 'number'
          ? params.minutes
          : undefined;
  return i18n.tDynamic(`enroll.errors.${error.code}`, i18n.error(error), { ...params, count });
}

/**
 * Always mounted so screen readers announce a new error (a live region must exist before its
 * text changes); shows nothing while there is no error.
 */
export function FlowError({ error }: { error: ContractError | null }) {
  const i18n = useI18n();
  return (
    <div
      className="ks-flow-error"
      aria-live="assertive"
      aria-atomic="true"
      data-testid="flow-error"
    >
      {error ? (
        <div className="ks-notice ks-notice--error">
          <p>{flowErrorMessage(i18n, error)}</p>
        </div>
      ) : null}
    </div>
  );
}

export function CodeField({
  label,
  value,
  onChange,
  digits = 6,
  hint,
}: {
  label: string;
  value: string;
  onChange(value: string): void;
  digits?: number;
  hint?: string;
}) {
  return (
    <TextField
      className="ks-code-field"
      label={label}
      hint={hint}
      value={value}
      inputMode="numeric"
      autoComplete="one-time-code"
      autoCapitalize="off"
      spellCheck={false}
      maxLength={digits + 4}
      onChange={(e) => onChange(e.target.value.replace(/[^0-9 ]/g, ''))}
    />
  );
}

/** The one-time code as main expects it: digits only. */
export function cleanCode(typed: string): string {
  return typed.replace(/\D/g, '');
}

/** The success message under the step's own heading (which already says what was added). */
export function FlowSuccess({ children }: { children: ReactNode }) {
  return (
    <div className="ks-flow-success" role="status">
      <span className="ks-flow-success__mark" aria-hidden="true">
        ✓
      </span>
      <div className="ks-flow-success__body">{children}</div>
    </div>
  );
}

/** "Cancel": leaves the flow without a change (not while a call is running). */
export function FlowCancel({ onDone, busy }: { onDone(changed: boolean): void; busy: boolean }) {
  const { t } = useI18n();
  return (
    <Button onClick={() => onDone(false)} disabled={busy}>
      {t('common.cancel')}
    </Button>
  );
}

/** The step's primary action, also what Enter does (the step is a form). */
export function FlowSubmit({ busy = false, children }: { busy?: boolean; children: ReactNode }) {
  return (
    <Button variant="primary" type="submit" disabled={busy}>
      {children}
    </Button>
  );
}

/** The usual actions of a step: "Cancel", then the primary action (primary last). */
export function FlowActions({
  onDone,
  busy,
  submit,
}: {
  onDone(changed: boolean): void;
  busy: boolean;
  submit: string;
}) {
  return (
    <>
      <FlowCancel onDone={onDone} busy={busy} />
      <FlowSubmit busy={busy}>{submit}</FlowSubmit>
    </>
  );
}

/** The last step of every flow: what was added, and "Done" reports the change to the page. */
export function FlowDoneStep({
  testId,
  title,
  onDone,
  children,
}: {
  testId: string;
  title: string;
  onDone(): void;
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <FlowStep
      testId={testId}
      title={title}
      onSubmit={onDone}
      actions={<FlowSubmit>{t('common.done')}</FlowSubmit>}
    >
      <FlowSuccess>{children}</FlowSuccess>
    </FlowStep>
  );
}
