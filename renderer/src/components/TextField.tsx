import { useId, type InputHTMLAttributes } from 'react';

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  label: string;
  /** Help shown under the field and linked with aria-describedby. */
  hint?: string;
  /** Error text: marks the field invalid and is announced. */
  error?: string | null;
}

export function TextField({
  label,
  hint,
  error,
  className,
  'aria-describedby': describedBy,
  ...input
}: TextFieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={['ks-field', className].filter(Boolean).join(' ')}>
      <label className="ks-field__label" htmlFor={id}>
        {label}
      </label>
      <input
        {...input}
        id={id}
        className="ks-field__input"
        aria-invalid={error ? true : undefined}
        aria-describedby={[hintId, describedBy, errorId].filter(Boolean).join(' ') || undefined}
      />
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
