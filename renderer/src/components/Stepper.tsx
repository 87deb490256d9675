import { useI18n } from '../i18n/I18nProvider';

export interface StepperProps {
  /** Step titles, already translated. */
  steps: string[];
  /** 0-based index of the current step. */
  current: number;
}

/** Progress through a wizard (DESIGN.md §3.2 "with a progress indicator"). */
export function Stepper({ steps, current }: StepperProps) {
  const { t } = useI18n();
  return (
    <nav
      className="ks-stepper"
      aria-label={t('common.stepOf', { current: current + 1, total: steps.length })}
    >
      <ol className="ks-stepper__list">
        {steps.map((title, i) => {
          const state = i < current ? 'done' : i === current ? 'current' : 'todo';
          return (
            <li
              key={title}
              className={`ks-stepper__step ks-stepper__step--${state}`}
              aria-current={i === current ? 'step' : undefined}
            >
              <span className="ks-stepper__marker" aria-hidden="true">
                {state === 'done' ? '✓' : i + 1}
              </span>
              <span className="ks-stepper__title">{title}</span>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
