/**
 * Security questions (DESIGN.md §1, §3.4): pick N different questions from the organization's
 * bank and answer each (3–40 characters). Answers are typed in password fields, sent once, and
 * never shown back — main keeps only a salted slow hash.
 */
import { useEffect, useId, useState } from 'react';
import type { ContractError, QuestionBankView } from '../../../../preload/contract';
import { useApi } from '../../api/ApiProvider';
import { FlowActions, FlowDoneStep, FlowError, FlowStep } from '../../components/FlowParts';
import { ErrorNotice, Loading } from '../../components/Status';
import { TextField } from '../../components/TextField';
import { useI18n } from '../../i18n/I18nProvider';
import type { FlowProps } from '../index';
import { useEnrollmentCall, useFlowCompletion } from '../common/useEnrollment';

interface Pair {
  questionId: string;
  answer: string;
}

/** Answer length as main counts it (trimmed, runs of whitespace as one, code points). */
export function answerLength(answer: string): number {
  return [...answer.normalize('NFKC').trim().replace(/\s+/g, ' ')].length;
}

/** The first problem with the pairs, checked before anything is sent; null when fine. */
export function checkAnswers(
  pairs: readonly Pair[],
  bank: Pick<QuestionBankView, 'answerMin' | 'answerMax'>,
): ContractError | null {
  const questions = new Set<string>();
  const answers = new Set<string>();
  for (const p of pairs) {
    if (!p.questionId) return { kind: 'validation', code: 'questionMissing' };
    if (questions.has(p.questionId))
      return { kind: 'station', code: 'questions.duplicateQuestion' };
    questions.add(p.questionId);
    const n = answerLength(p.answer);
    if (n < bank.answerMin || n > bank.answerMax) {
      return {
        kind: 'station',
        code: 'questions.answerLength',
        params: { min: bank.answerMin, max: bank.answerMax },
      };
    }
    const normal = p.answer.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
    if (answers.has(normal)) return { kind: 'station', code: 'questions.duplicateAnswer' };
    answers.add(normal);
  }
  return null;
}

export function SecurityQuestionsFlow({ person, onDone }: FlowProps) {
  const api = useApi();
  const { t, language } = useI18n();
  const [bank, setBank] = useState<QuestionBankView | null>(null);
  const [loadError, setLoadError] = useState<ContractError | null>(null);
  const [pairs, setPairs] = useState<Pair[]>([]);
  const { busy, error, setError, run } = useEnrollmentCall();
  const completion = useFlowCompletion(onDone);
  const [done, setDone] = useState(false);
  const baseId = useId();
  const hintId = `${baseId}-hint`;

  useEffect(() => {
    let live = true;
    void api.enrollment.questionBank({}).then((r) => {
      if (!live) return;
      if (!r.ok) return setLoadError(r.error);
      setBank(r.value);
      setPairs(Array.from({ length: r.value.required }, () => ({ questionId: '', answer: '' })));
    });
    return () => {
      live = false;
    };
  }, [api]);

  if (loadError) return <ErrorNotice error={loadError} />;
  if (!bank) return <Loading />;

  const update = (i: number, patch: Partial<Pair>) =>
    setPairs((ps) => ps.map((p, j) => (j === i ? { ...p, ...patch } : p)));

  const save = async () => {
    const problem = checkAnswers(pairs, bank);
    if (problem) return setError(problem);
    const r = await run(() =>
      api.enrollment.questionsRegister({ personId: person.id, answers: pairs }),
    );
    if (!r.ok) return;
    // Nothing typed stays in memory longer than needed.
    setPairs((ps) => ps.map((p) => ({ ...p, answer: '' })));
    completion.added();
    setDone(true);
  };

  if (done) {
    return (
      <FlowDoneStep
        testId="questions-step-done"
        title={t('questions.success.heading')}
        onDone={completion.report}
      >
        <p>{t('questions.success.body', { count: bank.required })}</p>
      </FlowDoneStep>
    );
  }

  return (
    <FlowStep
      testId="questions-step-answer"
      title={t('questions.heading')}
      onSubmit={() => void save()}
      actions={<FlowActions onDone={onDone} busy={busy} submit={t('questions.save')} />}
    >
      <p>{t('questions.body', { count: bank.required })}</p>
      <p className="ks-muted">{t('questions.privacy')}</p>
      <p className="ks-muted" id={hintId}>
        {t('questions.answerHint', { min: bank.answerMin, max: bank.answerMax })}
      </p>
      {pairs.map((p, i) => {
        const taken = new Set(pairs.filter((_, j) => j !== i).map((q) => q.questionId));
        const selectId = `${baseId}-q${i}`;
        return (
          <div className="ks-question-pair" key={i}>
            <div className="ks-flow-select">
              <label htmlFor={selectId}>{t('questions.questionLabel', { n: i + 1 })}</label>
              <select
                id={selectId}
                value={p.questionId}
                onChange={(e) => update(i, { questionId: e.target.value })}
              >
                <option value="">{t('questions.choose')}</option>
                {bank.questions
                  .filter((q) => !taken.has(q.id))
                  .map((q) => (
                    <option key={q.id} value={q.id}>
                      {language === 'sv' ? q.text.sv : q.text.en}
                    </option>
                  ))}
              </select>
            </div>
            <TextField
              label={t('questions.answerLabel', { n: i + 1 })}
              type="password"
              autoComplete="off"
              spellCheck={false}
              maxLength={bank.answerMax + 20}
              value={p.answer}
              onChange={(e) => update(i, { answer: e.target.value })}
            />
          </div>
        );
      })}
      <FlowError error={error} />
    </FlowStep>
  );
}
