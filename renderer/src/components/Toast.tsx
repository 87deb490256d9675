import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { useI18n, type I18n } from '../i18n/I18nProvider';

export type ToastTone = 'info' | 'success' | 'error';

/**
 * What a toast says: preferably a function of the current language, so a toast still showing
 * when the language changes is said again in the new one.
 */
export type ToastMessage = string | ((i18n: I18n) => string);

interface ToastItem {
  id: number;
  message: ToastMessage;
  tone: ToastTone;
}

export interface Toasts {
  show(message: ToastMessage, tone?: ToastTone): void;
  /** Say something to screen readers only (e.g. "3 people found"). */
  announce(message: string): void;
}

const ToastContext = createContext<Toasts | null>(null);

/**
 * Toasts plus the page's live regions: polite for status, assertive for errors. The regions
 * exist from the first render so screen readers pick up later changes.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const i18n = useI18n();
  const { t, language } = i18n;
  const [items, setItems] = useState<ToastItem[]>([]);
  // A plain-string toast can't be said in another language: it goes when the language changes.
  const shownIn = useRef(language);
  useEffect(() => {
    if (shownIn.current === language) return;
    shownIn.current = language;
    setItems((list) => list.filter((i) => typeof i.message !== 'string'));
  }, [language]);
  const text = (i: ToastItem) => (typeof i.message === 'string' ? i.message : i.message(i18n));
  const [announcement, setAnnouncement] = useState('');
  const nextId = useRef(1);

  const dismiss = useCallback(
    (id: number) => setItems((list) => list.filter((i) => i.id !== id)),
    [],
  );

  const value = useMemo<Toasts>(
    () => ({
      show(message, tone = 'info') {
        const id = nextId.current++;
        setItems((list) => [...list.slice(-2), { id, message, tone }]);
        if (tone !== 'error') setTimeout(() => dismiss(id), 6000);
      },
      announce(message) {
        // Clearing first makes a repeated message be read again.
        setAnnouncement('');
        setTimeout(() => setAnnouncement(message), 50);
      },
    }),
    [dismiss],
  );

  return (
    <ToastContext.Provider value={value}>
      {children}
      <div
        className="ks-visually-hidden"
        role="status"
        aria-live="polite"
        data-testid="live-region"
      >
        {announcement}
      </div>
      <div className="ks-toasts">
        <div role="status" aria-live="polite">
          {items
            .filter((i) => i.tone !== 'error')
            .map((i) => (
              <Toast
                key={i.id}
                id={i.id}
                tone={i.tone}
                message={text(i)}
                onDismiss={dismiss}
                closeLabel={t('common.close')}
              />
            ))}
        </div>
        <div role="alert" aria-live="assertive">
          {items
            .filter((i) => i.tone === 'error')
            .map((i) => (
              <Toast
                key={i.id}
                id={i.id}
                tone={i.tone}
                message={text(i)}
                onDismiss={dismiss}
                closeLabel={t('common.close')}
              />
            ))}
        </div>
      </div>
    </ToastContext.Provider>
  );
}

function Toast({
  id,
  tone,
  message,
  onDismiss,
  closeLabel,
}: {
  id: number;
  tone: ToastTone;
  message: string;
  onDismiss(id: number): void;
  closeLabel: string;
}) {
  return (
    <div className={`ks-toast ks-toast--${tone}`} data-testid="toast">
      <span className="ks-toast__message">{message}</span>
      <button
        type="button"
        className="ks-toast__close"
        aria-label={closeLabel}
        onClick={() => onDismiss(id)}
      >
        <span aria-hidden="true">×</span>
      </button>
    </div>
  );
}

export function useToasts(): Toasts {
  const toasts = useContext(ToastContext);
  if (!toasts) throw new Error('useToasts outside ToastProvider');
  return toasts;
}
