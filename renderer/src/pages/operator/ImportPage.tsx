/** Roster CSV import (DESIGN.md §6): preview with a per-row error report, then import the valid rows. */
import { useState } from 'react';
import type {
  ContractError,
  ImportPreview,
  ImportResult,
  RowProblem,
} from '../../../../preload/contract';
import { useApi } from '../../api/ApiProvider';
import { Button, Notice } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { useErrorText } from './access';
import { ConsoleLayout } from './ConsoleLayout';

/** Rows with at least one problem: one row can break several rules, and is skipped once. */
export function problemRows(errors: readonly RowProblem[]): number {
  return new Set(errors.map((e) => e.line)).size;
}

/** The per-row error report of a CSV import (roster and OATH tokens). */
export function RowErrors({ errors }: { errors: RowProblem[] }) {
  const { t, tDynamic } = useI18n();
  if (errors.length === 0) return null;
  return (
    <table className="ks-op-table" data-testid="row-errors">
      <caption>{t('roster.errorsTitle', { count: problemRows(errors) })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('roster.line')}</th>
          <th scope="col">{t('roster.problem')}</th>
        </tr>
      </thead>
      <tbody>
        {errors.map((e, i) => (
          <tr key={`${e.line}-${i}`}>
            <td>{e.line}</td>
            <td>
              {tDynamic(`roster.rowErrors.${e.code.replace(/^row\./, '')}`, e.code, e.params)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ImportPage() {
  const api = useApi();
  const { t } = useI18n();
  const errorText = useErrorText();
  const [csv, setCsv] = useState('');
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<ContractError | null>(null);

  async function runPreview(text: string) {
    setResult(null);
    setError(null);
    const r = await api.roster.previewImport({ csv: text });
    if (r.ok) setPreview(r.value);
    else setError(r.error);
  }

  async function runImport() {
    const r = await api.roster.import({ csv });
    if (r.ok) {
      setResult(r.value);
      setPreview(null);
    } else setError(r.error);
  }

  return (
    <ConsoleLayout title={t('roster.importTitle')} current="/operator/import">
      <p className="ks-lead">{t('roster.importIntro')}</p>
      <div className="ks-field">
        <label className="ks-field__label" htmlFor="roster-file">
          {t('roster.file')}
        </label>
        <input
          id="roster-file"
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (!file) return;
            void file.text().then((text) => {
              setCsv(text);
              void runPreview(text);
            });
          }}
        />
      </div>
      <div className="ks-field">
        <label className="ks-field__label" htmlFor="roster-csv">
          {t('roster.paste')}
        </label>
        <textarea
          id="roster-csv"
          className="ks-field__input ks-op-textarea"
          rows={8}
          spellCheck={false}
          value={csv}
          onChange={(e) => {
            setCsv(e.target.value);
            setPreview(null);
          }}
        />
      </div>
      <div className="ks-toolbar">
        <Button onClick={() => void runPreview(csv)}>{t('roster.preview')}</Button>
      </div>
      {error ? (
        <p className="ks-field__error" role="alert">
          {errorText(error)}
        </p>
      ) : null}
      {preview ? (
        <section aria-labelledby="preview-title">
          <h2 id="preview-title" className="ks-section-title">
            {t('roster.previewTitle')}
          </h2>
          <p data-testid="preview-summary">
            {t('roster.previewSummary', {
              create: preview.create,
              update: preview.update,
              unchanged: preview.unchanged,
              errors: problemRows(preview.errors),
            })}
          </p>
          <table className="ks-op-table" data-testid="preview-rows">
            <thead>
              <tr>
                <th scope="col">{t('roster.line')}</th>
                <th scope="col">UPN</th>
                <th scope="col">{t('roster.action')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((r) => (
                <tr key={r.line}>
                  <td>{r.line}</td>
                  <td>{r.upn}</td>
                  <td>{t(`roster.actions.${r.action}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <RowErrors errors={preview.errors} />
          <Button
            variant="primary"
            unavailable={preview.rows.length === 0}
            onClick={() => void runImport()}
          >
            {t('roster.importValid', { count: preview.create + preview.update })}
          </Button>
        </section>
      ) : null}
      {result ? (
        <section aria-live="polite">
          <Notice tone={result.errors.length ? 'warning' : 'success'}>
            <p data-testid="import-result">
              {t('roster.resultSummary', {
                created: result.created,
                updated: result.updated,
                unchanged: result.unchanged,
                errors: problemRows(result.errors),
              })}
            </p>
          </Notice>
          <RowErrors errors={result.errors} />
          <p>
            <a href="#/operator/roster">{t('roster.toRoster')}</a>
          </p>
        </section>
      ) : null}
    </ConsoleLayout>
  );
}
