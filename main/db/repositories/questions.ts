import type { Db } from '../connection';

/** A `questions` row (the organization's security-question bank). */
export interface QuestionRow {
  id: string;
  text_sv: string;
  text_en: string;
  active: number;
  sort: number;
}

export interface QuestionValues {
  id: string;
  textSv: string;
  textEn: string;
  active: boolean;
  sort: number;
}

/** All SQL on `questions`; questions are deactivated, never deleted (answers refer to them). */
export class QuestionRepository {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      upsert: db.prepare(
        `INSERT INTO questions (id, text_sv, text_en, active, sort) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET text_sv = excluded.text_sv, text_en = excluded.text_en,
           active = excluded.active, sort = excluded.sort`,
      ),
      active: db.prepare('SELECT * FROM questions WHERE active = 1 ORDER BY sort, id'),
      all: db.prepare('SELECT * FROM questions ORDER BY sort, id'),
    };
  }

  upsert(q: QuestionValues): void {
    this.stmts.upsert.run(q.id, q.textSv, q.textEn, q.active ? 1 : 0, q.sort);
  }

  list(includeInactive: boolean): QuestionRow[] {
    return (includeInactive ? this.stmts.all : this.stmts.active).all() as QuestionRow[];
  }
}
