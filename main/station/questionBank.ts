import { z } from 'zod';
import { QuestionRepository } from '../db/repositories/questions';
import type { StationContext } from './context';
import { StationError } from './errors';

export interface SecurityQuestion {
  readonly id: string;
  readonly text: { readonly sv: string; readonly en: string };
  readonly active: boolean;
}

/** A default bank in Swedish and English; an admin can replace it. */
export const DEFAULT_QUESTIONS: readonly SecurityQuestion[] = [
  {
    id: 'q.firstSchool',
    text: { sv: 'Vad hette din första skola?', en: 'What was the name of your first school?' },
    active: true,
  },
  {
    id: 'q.childhoodStreet',
    text: {
      sv: 'Vilken gata bodde du på som barn?',
      en: 'What street did you live on as a child?',
    },
    active: true,
  },
  {
    id: 'q.firstPet',
    text: { sv: 'Vad hette ditt första husdjur?', en: 'What was the name of your first pet?' },
    active: true,
  },
  {
    id: 'q.parentsMet',
    text: {
      sv: 'I vilken stad träffades dina föräldrar?',
      en: 'In what city did your parents meet?',
    },
    active: true,
  },
  {
    id: 'q.firstJob',
    text: {
      sv: 'Var hade du ditt första sommarjobb?',
      en: 'Where did you have your first summer job?',
    },
    active: true,
  },
  {
    id: 'q.favoriteTeacher',
    text: {
      sv: 'Vad hette din favoritlärare?',
      en: 'What was the name of your favourite teacher?',
    },
    active: true,
  },
  {
    id: 'q.firstConcert',
    text: {
      sv: 'Vilken var den första konsert du gick på?',
      en: 'What was the first concert you went to?',
    },
    active: true,
  },
  {
    id: 'q.grandmotherTown',
    text: {
      sv: 'I vilken ort växte din mormor upp?',
      en: 'In what town did your maternal grandmother grow up?',
    },
    active: true,
  },
  {
    id: 'q.firstCar',
    text: { sv: 'Vilket märke hade din första bil?', en: 'What make was your first car?' },
    active: true,
  },
  {
    id: 'q.childhoodFriend',
    text: {
      sv: 'Vad hette din bästa vän i lågstadiet?',
      en: 'What was the name of your best friend in primary school?',
    },
    active: true,
  },
];

const QuestionSchema = z.object({
  id: z.string().regex(/^[a-zA-Z0-9._-]{1,64}$/),
  text: z.object({ sv: z.string().trim().min(5).max(200), en: z.string().trim().min(5).max(200) }),
  active: z.boolean().default(true),
});

export function seedQuestions(
  ctx: Pick<StationContext, 'db'>,
  questions: readonly SecurityQuestion[],
): void {
  const repo = new QuestionRepository(ctx.db);
  questions.forEach((q, i) =>
    repo.upsert({ id: q.id, textSv: q.text.sv, textEn: q.text.en, active: q.active, sort: i }),
  );
}

/** The organization's question bank (DESIGN.md §2). */
export class QuestionBank {
  constructor(private readonly ctx: StationContext) {}

  list(opts: { includeInactive?: boolean } = {}): SecurityQuestion[] {
    return new QuestionRepository(this.ctx.db).list(opts.includeInactive === true).map((r) => ({
      id: r.id,
      text: { sv: r.text_sv, en: r.text_en },
      active: r.active === 1,
    }));
  }

  /**
   * Adds or updates questions; questions are deactivated, never deleted, because stored answer
   * hashes refer to them.
   */
  save(questions: readonly z.input<typeof QuestionSchema>[]): SecurityQuestion[] {
    this.ctx.session.assertAdmin();
    const parsed = z.array(QuestionSchema).safeParse(questions);
    if (!parsed.success) throw new StationError('input.invalid', { field: 'questions' });
    this.ctx.db.transaction(() => {
      seedQuestions(this.ctx, parsed.data);
      this.ctx.audit.append('questions.updated', null, { count: parsed.data.length });
    })();
    return this.list({ includeInactive: true });
  }
}
