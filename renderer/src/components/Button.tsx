import type { ButtonHTMLAttributes, ReactNode } from 'react';

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'link';

export interface ButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type'> {
  variant?: ButtonVariant;
  /** Leading icon (decorative: hidden from screen readers). */
  icon?: ReactNode;
  type?: 'button' | 'submit';
  /**
   * Shown but not usable: stays focusable so a keyboard or screen-reader user can find it and
   * hear why (`disabledReason`), unlike the native `disabled` attribute.
   */
  unavailable?: boolean;
  disabledReason?: string;
}

export function Button({
  variant = 'secondary',
  icon,
  type = 'button',
  unavailable = false,
  disabledReason,
  className,
  children,
  onClick,
  ...rest
}: ButtonProps) {
  return (
    <button
      {...rest}
      type={type}
      className={['ks-button', `ks-button--${variant}`, className].filter(Boolean).join(' ')}
      aria-disabled={unavailable || undefined}
      title={unavailable ? disabledReason : rest.title}
      onClick={unavailable ? (e) => e.preventDefault() : onClick}
    >
      {icon ? (
        <span className="ks-button__icon" aria-hidden="true">
          {icon}
        </span>
      ) : null}
      <span>{children}</span>
    </button>
  );
}
