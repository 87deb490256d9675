import type { Migration } from './index';

/**
 * Bit of each method kind in `people.method_kinds` (the order of the `methods.kind` CHECK).
 * Fixed here: the triggers below are SQL frozen with this migration.
 */
export const ROSTER_KIND_BITS = {
  securityKey: 1,
  authenticatorApp: 2,
  hardwareToken: 4,
  phoneSms: 8,
  phoneCall: 16,
  email: 32,
  securityQuestions: 64,
} as const;

/** Every combination of kinds a person can hold: 2^7 masks. */
export const ROSTER_MASKS = 128;

/** `people.reg_state`: where a person stands with the registration requirement. */
export const REG_STATE = { notStarted: 0, incomplete: 1, complete: 2 } as const;

/**
 * The demo organization's UPN domain (the station's DEMO_RP_ID): people in it are hidden on a
 * production station. A test checks this flag against the station's own rule.
 */
const DEMO_UPN_PATTERN = '%@demo.keystation.local';

const bit = (expr: string): string =>
  `(CASE ${expr} ${Object.entries(ROSTER_KIND_BITS)
    .map(([kind, b]) => `WHEN '${kind}' THEN ${b}`)
    .join(' ')} ELSE 0 END)`;

const kindsOf = (personExpr: string): string =>
  `(SELECT coalesce(sum(DISTINCT ${bit('m.kind')}), 0) FROM methods m WHERE m.person_id = ${personExpr})`;

const stateOf = (maskExpr: string): string =>
  `(SELECT state FROM roster_rules WHERE mask = ${maskExpr})`;

/** Recounts a person's methods and kinds after a removal or a move (rare; uses methods_person). */
const recount = (personExpr: string): string => `
  UPDATE people SET
    method_count = (SELECT count(*) FROM methods m WHERE m.person_id = ${personExpr}),
    method_kinds = ${kindsOf(personExpr)},
    reg_state = ${stateOf(kindsOf(personExpr))}
  WHERE id = ${personExpr};`;

const bump = (table: string, key: string, values: string, delta: string): string =>
  `INSERT INTO ${table} (${key}, n) VALUES (${values}, ${delta})
     ON CONFLICT (${key}) DO UPDATE SET n = n + excluded.n;`;

/**
 * The roster read model (docs/ROSTER.md): what the roster list, its
 * filters and the dashboard need, kept by triggers in the same transaction as every change to
 * methods and key credentials, so no writer can forget it and no read is a query per
 * person.
 *
 * - `people.method_count`, `people.method_kinds` (bit mask of the kinds held) and
 *   `people.reg_state` (0 not started, 1 incomplete, 2 complete). The state depends on the
 *   policy: `roster_rules` maps each of the 128 masks to a state and is rewritten by the
 *   station when the policy's registration rule changes (`roster_rules_source` remembers for
 *   which rule it was built).
 * - `people.demo`: the person belongs to the demo organization (hidden in production).
 * - Counters for the dashboard: methods per kind, keys per (model, AAGUID).
 * - Indexes so every filter combination of the roster is one ordered index range; the one on
 *   (department, reg_state, …) also answers the dashboard's people counts without the table.
 */
export const m009RosterReadModel: Migration = {
  version: 9,
  name: 'roster read model',
  up(db) {
    db.exec(`
      ALTER TABLE people ADD COLUMN method_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE people ADD COLUMN method_kinds INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE people ADD COLUMN reg_state INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE people ADD COLUMN demo INTEGER
        GENERATED ALWAYS AS (upn LIKE '${DEMO_UPN_PATTERN}') VIRTUAL;

      CREATE TABLE roster_rules (
        mask INTEGER PRIMARY KEY CHECK (mask >= 0 AND mask < ${ROSTER_MASKS}),
        state INTEGER NOT NULL CHECK (state IN (0, 1, 2))
      );
      CREATE TABLE roster_rules_source (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        fingerprint TEXT NOT NULL
      );
      CREATE TABLE roster_method_counts (
        kind TEXT PRIMARY KEY,
        n INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE roster_key_models (
        model_name TEXT NOT NULL,
        aaguid TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (model_name, aaguid)
      ) WITHOUT ROWID;
    `);

    // Until the station writes its policy's rule: any method counts as started, none complete.
    const rule = db.prepare('INSERT INTO roster_rules (mask, state) VALUES (?, ?)');
    for (let mask = 0; mask < ROSTER_MASKS; mask++) rule.run(mask, mask === 0 ? 0 : 1);
    db.prepare("INSERT INTO roster_rules_source (id, fingerprint) VALUES (1, '')").run();

    // An existing registry: fill the model before the triggers start keeping it.
    db.exec(`
      UPDATE people SET
        method_count = (SELECT count(*) FROM methods m WHERE m.person_id = people.id),
        method_kinds = ${kindsOf('people.id')};
      UPDATE people SET reg_state = ${stateOf('people.method_kinds')};
      INSERT INTO roster_method_counts (kind, n) SELECT kind, count(*) FROM methods GROUP BY kind;
      INSERT INTO roster_key_models (model_name, aaguid, n)
        SELECT model_name, aaguid, count(*) FROM security_key_credentials GROUP BY 1, 2;

      CREATE INDEX roster_by_state ON people(reg_state, search_name);
      CREATE INDEX roster_by_department ON people(department, search_name);
      CREATE INDEX roster_by_department_state ON people(department, reg_state, search_name);
      CREATE INDEX roster_demo_people ON people(id) WHERE demo = 1;
      -- Last-name-first search with filters: the range is read in (search_sort, id) order and
      -- the filters and the name-prefix exclusion are checked in the index, not the table.
      DROP INDEX people_search_sort;
      CREATE INDEX roster_by_sort ON people(search_sort, id, search_name, department, reg_state, demo);

      CREATE TRIGGER roster_method_added AFTER INSERT ON methods BEGIN
        UPDATE people SET
          method_count = method_count + 1,
          method_kinds = method_kinds | ${bit('new.kind')},
          reg_state = ${stateOf(`(people.method_kinds | ${bit('new.kind')})`)}
        WHERE id = new.person_id;
        ${bump('roster_method_counts', 'kind', 'new.kind', '1')}
      END;

      -- Also runs for methods removed with their person (ON DELETE CASCADE): the person's row
      -- is gone by then and the UPDATE finds nothing, which is right.
      CREATE TRIGGER roster_method_removed AFTER DELETE ON methods BEGIN
        ${recount('old.person_id')}
        ${bump('roster_method_counts', 'kind', 'old.kind', '-1')}
      END;

      CREATE TRIGGER roster_method_moved AFTER UPDATE OF person_id, kind ON methods
      WHEN old.person_id IS NOT new.person_id OR old.kind IS NOT new.kind BEGIN
        ${recount('old.person_id')}
        ${recount('new.person_id')}
        ${bump('roster_method_counts', 'kind', 'old.kind', '-1')}
        ${bump('roster_method_counts', 'kind', 'new.kind', '1')}
      END;

      CREATE TRIGGER roster_key_added AFTER INSERT ON security_key_credentials BEGIN
        ${bump('roster_key_models', 'model_name, aaguid', 'new.model_name, new.aaguid', '1')}
      END;

      CREATE TRIGGER roster_key_removed AFTER DELETE ON security_key_credentials BEGIN
        ${bump('roster_key_models', 'model_name, aaguid', 'old.model_name, old.aaguid', '-1')}
      END;

      CREATE TRIGGER roster_key_changed AFTER UPDATE OF model_name, aaguid ON security_key_credentials
      WHEN old.model_name IS NOT new.model_name OR old.aaguid IS NOT new.aaguid BEGIN
        ${bump('roster_key_models', 'model_name, aaguid', 'old.model_name, old.aaguid', '-1')}
        ${bump('roster_key_models', 'model_name, aaguid', 'new.model_name, new.aaguid', '1')}
      END;
    `);
  },
};
