/**
 * "Keep your account secure" (DESIGN.md §3.2): opens when the person's methods don't meet
 * the policy and steps through what is still required, one page per method with a progress
 * indicator. "I want to set up a different method" swaps the current page for another allowed
 * method; the last page lists what was set up. Each page is the method's own flow from the flow
 * registry, rendered inline (`inWizard`).
 */
import { useEffect, useId, useRef, useState } from 'react';
import type {
  MethodKind,
  MethodSummary,
  PersonSummary,
  RegistrationPlan,
} from '../../../preload/contract';
import { useApi } from '../api/ApiProvider';
import { Button, ErrorNotice, Icon, Loading, methodIconName, Stepper } from '../components';
import { securityInfoFlows } from '../flows';
import { useI18n } from '../i18n/I18nProvider';
import { describeMethod } from './methodDetail';
import './wizard.css';

export interface WizardProps {
  person: PersonSummary;
  /** The methods the person had when the wizard opened (the success page lists the new ones). */
  methodsBefore: MethodSummary[];
  /** Leave the wizard (Done, or "Set up later"); `changed` when something was registered. */
  onExit(changed: boolean): void;
  /** Kiosk: the person may not postpone. Default true. */
  allowLater?: boolean;
}

type Phase =
  | { name: 'loading' }
  | { name: 'error'; error: import('../../../preload/contract').ContractError }
  | { name: 'step' }
  | { name: 'choose' }
  | { name: 'success'; added: MethodSummary[] };

export function Wizard({ person, methodsBefore, onExit, allowLater = true }: WizardProps) {
  const api = useApi();
  const i18n = useI18n();
  const { t, tDynamic } = i18n;
  const kindName = (kind: MethodKind) => tDynamic(`methods.kind.${kind}`, kind);
  const [phase, setPhase] = useState<Phase>({ name: 'loading' });
  const [steps, setSteps] = useState<MethodKind[]>([]);
  const [current, setCurrent] = useState(0);
  const [plan, setPlan] = useState<RegistrationPlan | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [choice, setChoice] = useState<MethodKind | null>(null);
  const changed = useRef(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const radioName = useId();
  // "More information required" with "Next" comes first, as at a sign-in page's prompt.
  const [prompted, setPrompted] = useState(false);

  const loadPlan = async (): Promise<RegistrationPlan | null> => {
    const r = await api.methods.registrationStatus({ personId: person.id });
    if (!r.ok) {
      setPhase({ name: 'error', error: r.error });
      return null;
    }
    setPlan(r.value);
    return r.value;
  };

  const finish = async () => {
    const r = await api.securityInfo.get({ personId: person.id });
    const before = new Set(methodsBefore.map((m) => m.id));
    setPhase({
      name: 'success',
      added: r.ok ? r.value.methods.filter((m) => !before.has(m.id)) : [],
    });
  };

  useEffect(() => {
    void loadPlan().then((p) => {
      if (!p) return;
      if (p.complete || p.nextSteps.length === 0) {
        void finish();
        return;
      }
      setSteps(p.nextSteps);
      setCurrent(0);
      setPhase({ name: 'step' });
    });
    // Runs once per wizard: the page list is fixed when it opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // The method heading takes focus on each new page (the flow focuses its own step heading
  // later, inside it); the success page's heading too.
  useEffect(() => {
    if (phase.name === 'success' || phase.name === 'choose') headingRef.current?.focus();
  }, [phase.name, current]);

  const flowDone = async (didChange: boolean) => {
    if (!didChange) {
      // Cancelled: the same page starts again from its first step.
      setAttempt((a) => a + 1);
      return;
    }
    changed.current = true;
    const p = await loadPlan();
    if (!p) return;
    if (p.complete) {
      void finish();
      return;
    }
    const next = current + 1;
    if (next < steps.length) {
      setCurrent(next);
      return;
    }
    // Still not complete (e.g. a method didn't count): add what the policy still needs.
    const more = p.nextSteps.filter((k) => !steps.slice(0, next).includes(k));
    if (more.length === 0) {
      void finish();
      return;
    }
    setSteps([...steps.slice(0, next), ...more]);
    setCurrent(next);
  };

  if (!prompted) {
    return (
      <section className="ks-wizard ks-wizard__prompt" data-testid="wizard-prompt">
        <h2 className="ks-wizard__title">{t('wizard.prompt.title')}</h2>
        <p className="ks-person">
          <span className="ks-person__upn">{person.upn}</span>
        </p>
        <p>{t('wizard.prompt.body')}</p>
        <div className="ks-wizard__actions">
          <Button
            variant="primary"
            onClick={() => setPrompted(true)}
            data-testid="wizard-prompt-next"
          >
            {t('wizard.prompt.next')}
          </Button>
        </div>
        {allowLater ? (
          <div className="ks-wizard__links">
            <Button variant="link" onClick={() => onExit(false)}>
              {t('wizard.later')}
            </Button>
          </div>
        ) : null}
      </section>
    );
  }
  if (phase.name === 'loading') return <Loading />;
  if (phase.name === 'error') return <ErrorNotice error={phase.error} />;

  if (phase.name === 'success') {
    return (
      <section className="ks-wizard" data-testid="wizard-success">
        <Stepper steps={steps.map(kindName)} current={steps.length} />
        <h2 className="ks-wizard__title" tabIndex={-1} ref={headingRef}>
          {t('wizard.successTitle')}
        </h2>
        <div className="ks-flow-success" role="status">
          <span className="ks-flow-success__mark" aria-hidden="true">
            ✓
          </span>
          <div>
            <p className="ks-flow-success__title">
              {phase.added.length > 0 ? t('wizard.successBody') : t('wizard.alreadyComplete')}
            </p>
            {phase.added.length > 0 ? (
              <>
                <p>{t('wizard.setUp')}</p>
                <ul className="ks-wizard__added" data-testid="wizard-added">
                  {phase.added.map((m) => (
                    <li key={m.id}>
                      <Icon name={methodIconName(m.kind)} /> {describeMethod(m, i18n)}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </div>
        </div>
        <div className="ks-wizard__actions">
          <Button variant="primary" onClick={() => onExit(changed.current)}>
            {t('wizard.done')}
          </Button>
        </div>
      </section>
    );
  }

  const kind = steps[current];
  const offer = (plan?.offerableKinds ?? []).filter(
    (k) => k !== kind && securityInfoFlows.addMethod[k] !== undefined,
  );

  if (phase.name === 'choose') {
    return (
      <section className="ks-wizard" data-testid="wizard-choose">
        <Stepper steps={steps.map(kindName)} current={current} />
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!choice) return;
            // The chosen method takes this page; a later page for the same method goes away.
            const next = steps.filter((k, i) => i <= current || k !== choice);
            next[current] = choice;
            setSteps(next);
            setChoice(null);
            setAttempt((a) => a + 1);
            setPhase({ name: 'step' });
          }}
        >
          <h2 className="ks-wizard__title" tabIndex={-1} ref={headingRef}>
            {t('wizard.chooseTitle')}
          </h2>
          <fieldset className="ks-wizard__choices">
            <legend>{t('wizard.chooseBody')}</legend>
            {offer.map((k) => (
              <label key={k} className="ks-wizard__choice">
                <input
                  type="radio"
                  name={radioName}
                  value={k}
                  checked={choice === k}
                  onChange={() => setChoice(k)}
                />
                <Icon name={methodIconName(k)} /> {kindName(k)}
              </label>
            ))}
          </fieldset>
          <div className="ks-wizard__actions">
            <Button onClick={() => setPhase({ name: 'step' })}>{t('common.back')}</Button>
            <Button type="submit" variant="primary" unavailable={!choice}>
              {t('common.next')}
            </Button>
          </div>
        </form>
      </section>
    );
  }

  const Flow = securityInfoFlows.addMethod[kind];
  return (
    <section className="ks-wizard" data-testid="wizard-step" data-kind={kind}>
      <p className="ks-lead">{t('wizard.intro')}</p>
      <Stepper steps={steps.map(kindName)} current={current} />
      <h2 className="ks-wizard__title">
        <span className="ks-wizard__progress">
          {t('wizard.progress', { current: current + 1, total: steps.length })}
        </span>{' '}
        {kindName(kind)}
      </h2>
      <div className="ks-wizard__page">
        {Flow ? (
          <Flow
            key={`${current}-${kind}-${attempt}`}
            person={person}
            inWizard
            onDone={(c) => void flowDone(c)}
          />
        ) : (
          <p className="ks-notice ks-notice--warning">{t('wizard.notAvailable')}</p>
        )}
      </div>
      <div className="ks-wizard__links">
        {offer.length > 0 ? (
          <Button
            variant="link"
            onClick={() => setPhase({ name: 'choose' })}
            data-testid="wizard-different"
          >
            {t('wizard.differentMethod')}
          </Button>
        ) : null}
        {allowLater ? (
          <Button variant="link" onClick={() => onExit(changed.current)}>
            {t('wizard.later')}
          </Button>
        ) : null}
      </div>
    </section>
  );
}
