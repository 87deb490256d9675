import {
  createContext,
  useCallback,
  useContext,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { useI18n } from '../i18n/I18nProvider';

export type ToastTone = 'info' | 'success' | 'error';

interface ToastItem {
  id: number;
  message: string;
  tone: ToastTone;
}

export interface Toasts {
  show(message: string, tone?: ToastTone): void;
  /** Say something to screen readers only (e.g. "3 people found"). */
  announce(message: string): void;
}

const ToastContext = createContext<Toasts | null>(null);

/**
 * Toasts plus the page's live regions: polite for status, assertive for errors. The regions
 * exist from the first render so screen readers pick up later changes.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const [items, setItems] = useState<ToastItem[]>([]);
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
              <Toast key={i.id} item={i} onDismiss={dismiss} closeLabel={t('common.close')} />
            ))}
        </div>
        <div role="alert" aria-live="assertive">
          {items
            .filter((i) => i.tone === 'error')
            .map((i) => (
              <Toast key={i.id} item={i} onDismiss={dismiss} closeLabel={t('common.close')} />
            ))}
        </div>
      </div>
    </ToastContext.Provider>
  );
}

function Toast({
  item,
  onDismiss,
  closeLabel,
}: {
  item: ToastItem;
  onDismiss(id: number): void;
  closeLabel: string;
}) {
  return (
    <div className={`ks-toast ks-toast--${item.tone}`}>
      <span className="ks-toast__message">{item.message}</span>
      <button
        type="button"
        className="ks-toast__close"
        aria-label={closeLabel}
        onClick={() => onDismiss(item.id)}
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
