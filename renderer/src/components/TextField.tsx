import { useId, useState, type InputHTMLAttributes } from 'react';

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  label: string;
  /**
   * Help shown under the field and linked with aria-describedby (with any `aria-describedby`
   * given, e.g. a list of rules elsewhere, and the error).
   */
  hint?: string;
  /** Error text: marks the field invalid and is announced. */
  error?: string | null;
  /**
   * A masked field with a "show" toggle beside it (a pass copied from a paper slip can be
   * checked while typing): the toggle button's text (pressed while the text is shown).
   */
  reveal?: string;
}

export function TextField({
  label,
  hint,
  error,
  className,
  'aria-describedby': describedBy,
  reveal,
  ...input
}: TextFieldProps) {
  const id = useId();
  const [shown, setShown] = useState(false);
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const field = (
    <input
      {...input}
      {...(reveal ? { type: shown ? 'text' : 'password' } : {})}
      id={id}
      className="ks-field__input"
      aria-invalid={error ? true : undefined}
      aria-describedby={[describedBy, hintId, errorId].filter(Boolean).join(' ') || undefined}
    />
  );
  return (
    <div className={['ks-field', className].filter(Boolean).join(' ')}>
      <label className="ks-field__label" htmlFor={id}>
        {label}
      </label>
      {reveal ? (
        <div className="ks-field__reveal">
          {field}
          <button
            type="button"
            className="ks-button ks-button--secondary ks-field__reveal-button"
            aria-pressed={shown}
            aria-controls={id}
            onClick={() => setShown((v) => !v)}
          >
            {reveal}
          </button>
        </div>
      ) : (
        field
      )}
      {hint ? (
        <p className="ks-field__hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="ks-field__error" id={errorId} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
