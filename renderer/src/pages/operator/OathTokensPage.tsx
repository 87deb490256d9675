/**
 * Hardware tokens (OATH TOTP) in the console (DESIGN.md §6): the provider's token CSV is checked
 * first, with a report of every bad row by its line; importing stores the valid rows in one
 * transaction; the inventory lists each token with its person and whether it is activated. A
 * token's secret goes from the file into the station and is never shown again.
 */
import { useState } from 'react';
import type { ContractError, OathImportReport } from '../../../../preload/contract';
import { useApi, useCall } from '../../api/ApiProvider';
import { Button, ErrorNotice, Loading, Notice } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { useErrorText } from './access';
import { ConsoleLayout } from './ConsoleLayout';
import { problemRows, RowErrors } from './ImportPage';

export const OATH_CSV_HEADER = 'upn,serial number,secret key,time interval,manufacturer,model';

export function OathTokensPage() {
  const api = useApi();
  const { t, formatDateTime } = useI18n();
  const errorText = useErrorText();
  const [csv, setCsv] = useState('');
  const [preview, setPreview] = useState<OathImportReport | null>(null);
  const [result, setResult] = useState<OathImportReport | null>(null);
  const [error, setError] = useState<ContractError | null>(null);
  const { state: inventory, reload } = useCall((a) => a.roster.oathTokens({}), []);

  async function runPreview(text: string) {
    setResult(null);
    setError(null);
    const r = await api.roster.previewOathTokens({ csv: text });
    if (r.ok) setPreview(r.value);
    else {
      setPreview(null);
      setError(r.error);
    }
  }

  async function runImport() {
    setError(null);
    const r = await api.roster.importOathTokens({ csv });
    if (r.ok) {
      setResult(r.value);
      setPreview(null);
      setCsv('');
      reload();
    } else setError(r.error);
  }

  const valid = preview ? preview.rows - problemRows(preview.errors) : 0;
  return (
    <ConsoleLayout title={t('tokens.title')} current="/operator/tokens">
      <p className="ks-lead">{t('tokens.intro')}</p>
      <p className="ks-muted">
        {t('tokens.columns')} <code>{OATH_CSV_HEADER}</code>
      </p>
      <div className="ks-field">
        <label className="ks-field__label" htmlFor="oath-file">
          {t('tokens.file')}
        </label>
        <input
          id="oath-file"
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
        <label className="ks-field__label" htmlFor="oath-csv">
          {t('tokens.paste')}
        </label>
        <textarea
          id="oath-csv"
          className="ks-field__input ks-op-textarea"
          rows={6}
          spellCheck={false}
          autoComplete="off"
          value={csv}
          onChange={(e) => {
            setCsv(e.target.value);
            setPreview(null);
          }}
        />
      </div>
      <div className="ks-toolbar">
        <Button onClick={() => void runPreview(csv)}>{t('tokens.check')}</Button>
      </div>
      {error ? (
        <p className="ks-field__error" role="alert" data-testid="tokens-error">
          {errorText(error)}
        </p>
      ) : null}
      {preview ? (
        <section aria-labelledby="tokens-preview-title">
          <h2 id="tokens-preview-title" className="ks-section-title">
            {t('tokens.previewTitle')}
          </h2>
          <p data-testid="tokens-preview-summary">
            {t('tokens.previewSummary', {
              valid,
              errors: problemRows(preview.errors),
            })}
          </p>
          <RowErrors errors={preview.errors} />
          <Button variant="primary" unavailable={valid === 0} onClick={() => void runImport()}>
            {t('tokens.importValid', { count: valid })}
          </Button>
        </section>
      ) : null}
      {result ? (
        <section aria-live="polite">
          <Notice tone={result.errors.length ? 'warning' : 'success'}>
            <p data-testid="tokens-result">
              {t('tokens.resultSummary', {
                imported: result.imported,
                errors: problemRows(result.errors),
              })}
            </p>
          </Notice>
          <RowErrors errors={result.errors} />
        </section>
      ) : null}
      <section aria-labelledby="tokens-inventory-title">
        <h2 id="tokens-inventory-title" className="ks-section-title">
          {t('tokens.inventoryTitle')}
        </h2>
        {inventory.status === 'loading' ? <Loading /> : null}
        {inventory.status === 'error' ? (
          <ErrorNotice error={inventory.error} onRetry={reload} />
        ) : null}
        {inventory.status === 'ok' ? (
          inventory.value.length === 0 ? (
            <p className="ks-muted">{t('tokens.none')}</p>
          ) : (
            <table className="ks-op-table" data-testid="tokens-inventory">
              <caption className="ks-muted">
                {t('tokens.count', { count: inventory.value.length })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('tokens.serial')}</th>
                  <th scope="col">{t('tokens.person')}</th>
                  <th scope="col">{t('tokens.model')}</th>
                  <th scope="col">{t('tokens.period')}</th>
                  <th scope="col">{t('tokens.status')}</th>
                  <th scope="col">{t('tokens.imported')}</th>
                </tr>
              </thead>
              <tbody>
                {inventory.value.map((x) => (
                  <tr key={x.serial}>
                    <td>{x.serial}</td>
                    <td>{x.upn}</td>
                    <td>{[x.manufacturer, x.model].filter(Boolean).join(' ')}</td>
                    <td>{t('tokens.seconds', { count: x.period })}</td>
                    <td>{t(`tokens.statuses.${x.status}`)}</td>
                    <td>{formatDateTime(x.importedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        ) : null}
      </section>
    </ConsoleLayout>
  );
}
