import type { StationContext } from '../context';
import { StationError } from '../errors';
import type { PeopleService } from '../people';
import type { QuestionBank, SecurityQuestion } from '../questionBank';
import { decoySlowHash, slowHash, slowHashMatchesAsync } from '../secrets';
import type { MethodSummary, PersonId } from '../types';
import type { MethodRegistry } from './registry';

export const ANSWER_MIN = 3;
export const ANSWER_MAX = 40;
/** At most this many answers are hashed per check, whatever a caller sends. */
const ANSWERS_CHECKED_MAX = 10;

/**
 * Case- and whitespace-insensitive form of an answer (DESIGN.md §1: normalize first, then hash):
 * "  Stora   Torget " and "stora torget" are the same answer.
 */
export function normalizeAnswer(answer: string): string {
  return answer.normalize('NFKC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('sv');
}

/** Security questions: N from the bank, answers kept only as salted scrypt hashes; SSPR only. */
export class SecurityQuestionsEnrollment {
  constructor(
    private readonly ctx: StationContext,
    private readonly people: PeopleService,
    private readonly methods: MethodRegistry,
    private readonly bankService: QuestionBank,
  ) {}

  bank(): { required: number; questions: SecurityQuestion[] } {
    return {
      required: this.ctx.policy().questions.requiredCount,
      questions: this.bankService.list(),
    };
  }

  /** What the registration page offers: the active questions and the answer limits. */
  offer(): {
    required: number;
    answerMin: number;
    answerMax: number;
    questions: { id: string; text: { sv: string; en: string } }[];
  } {
    const { required, questions } = this.bank();
    return {
      required,
      answerMin: ANSWER_MIN,
      answerMax: ANSWER_MAX,
      questions: questions
        .filter((q) => q.active)
        .map((q) => ({ id: q.id, text: { sv: q.text.sv, en: q.text.en } })),
    };
  }

  /** Registers (or replaces) the person's answers in one transaction. */
  register(
    personId: PersonId,
    answers: readonly { questionId: string; answer: string }[],
  ): MethodSummary {
    this.people.get(personId);
    const existing = this.methods.list(personId).find((m) => m.kind === 'securityQuestions');
    if (!existing) this.methods.assertCanAdd(personId, 'securityQuestions');
    else if (!this.ctx.policy().allowedMethods.includes('securityQuestions')) {
      throw new StationError('method.notAllowed', { kind: 'securityQuestions' });
    }
    const { required, questions } = this.bank();
    if (questions.length < required) {
      throw new StationError('questions.bankTooSmall', { required, available: questions.length });
    }
    if (!Array.isArray(answers) || answers.length !== required)
      throw new StationError('questions.wrongCount', { required });
    const known = new Set(questions.map((q) => q.id));
    const seenQuestions = new Set<string>();
    const seenAnswers = new Set<string>();
    const normalized: { questionId: string; answer: string }[] = [];
    for (const a of answers) {
      if (typeof a?.questionId !== 'string' || !known.has(a.questionId))
        throw new StationError('questions.unknownQuestion');
      if (seenQuestions.has(a.questionId)) throw new StationError('questions.duplicateQuestion');
      seenQuestions.add(a.questionId);
      const n = normalizeAnswer(typeof a.answer === 'string' ? a.answer : '');
      const length = [...n].length;
      if (length < ANSWER_MIN || length > ANSWER_MAX) {
        throw new StationError('questions.answerLength', {
          min: ANSWER_MIN,
          max: ANSWER_MAX,
          questionId: a.questionId,
        });
      }
      if (seenAnswers.has(n)) throw new StationError('questions.duplicateAnswer');
      seenAnswers.add(n);
      normalized.push({ questionId: a.questionId, answer: n });
    }
    // Hash before the transaction: scrypt is slow and the write lock should be short.
    const hashes = normalized.map((a) => ({ questionId: a.questionId, hash: slowHash(a.answer) }));
    const methodId = this.ctx.db.transaction(() => {
      if (existing) this.methods.repo.remove(existing.id);
      const id = this.methods.insert(
        personId,
        { kind: 'securityQuestions', label: '', detail: String(hashes.length) },
        { questions: hashes.length, replaced: existing !== undefined },
      );
      for (const h of hashes) this.methods.repo.insertAnswer(id, h.questionId, h.hash);
      return id;
    })();
    return this.methods.get(personId, methodId);
  }

  /**
   * Password-reset check: every given answer must match its stored hash. Off the event loop, and
   * every answer is hashed — also after a wrong one, and against a stand-in for a question the
   * person has no answer to — so the time taken tells nothing about which answer was wrong.
   */
  async verify(
    personId: PersonId,
    answers: readonly { questionId: string; answer: string }[],
  ): Promise<boolean> {
    const method = this.methods.list(personId).find((m) => m.kind === 'securityQuestions');
    const byId = method ? this.methods.repo.answers(method.id) : new Map<string, string>();
    const given = Array.isArray(answers) ? answers.slice(0, ANSWERS_CHECKED_MAX) : [];
    const decoy = await decoySlowHash('security answer');
    const results = await Promise.all(
      given.map(async (a) => {
        const stored = typeof a?.questionId === 'string' ? byId.get(a.questionId) : undefined;
        const typed = normalizeAnswer(typeof a?.answer === 'string' ? a.answer : '').slice(
          0,
          4 * ANSWER_MAX,
        );
        const matches = await slowHashMatchesAsync(typed, stored ?? decoy);
        return stored !== undefined && matches;
      }),
    );
    return method !== undefined && results.length > 0 && results.every(Boolean);
  }
}
