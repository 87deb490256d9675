import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useI18n } from '../i18n/I18nProvider';

export interface DialogProps {
  open: boolean;
  title: string;
  onClose(): void;
  children: ReactNode;
  /** Buttons at the bottom (primary last). */
  actions?: ReactNode;
}

/**
 * A modal on the native <dialog>: focus is trapped and Escape closes it (browser behaviour),
 * focus returns to the element that opened it.
 */
export function Dialog({ open, title, onClose, children, actions }: DialogProps) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      const opener = document.activeElement as HTMLElement | null;
      dialog.showModal();
      return () => opener?.focus?.();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="ks-dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div className="ks-dialog__header">
        <h2 id={titleId} className="ks-dialog__title">
          {title}
        </h2>
        <button
          type="button"
          className="ks-dialog__close"
          aria-label={t('common.close')}
          onClick={onClose}
        >
          <span aria-hidden="true">×</span>
        </button>
      </div>
      <div className="ks-dialog__body">{children}</div>
      {actions ? <div className="ks-dialog__actions">{actions}</div> : null}
    </dialog>
  );
}
