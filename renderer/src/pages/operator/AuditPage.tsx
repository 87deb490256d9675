/**
 * Audit viewer (DESIGN.md §5–6): filter by person, operator, action and date, export CSV, and the
 * chain verification — a row the chain check finds edited is flagged in the list.
 */
import { useState } from 'react';
import type { AuditFilter } from '../../../../preload/contract';
import { useApi, useCall } from '../../api/ApiProvider';
import { Button, ErrorNotice, Loading, TextField, useToasts } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { useErrorText } from './access';
import { AuditAnchorPanel } from './AuditAnchorPanel';
import { describeAuditDetails } from './auditText';
import { ConsoleLayout } from './ConsoleLayout';

function clean(f: AuditFilter): AuditFilter {
  const out: AuditFilter = {};
  if (f.person?.trim()) out.person = f.person.trim();
  if (f.operator) out.operator = f.operator;
  if (f.action) out.action = f.action;
  if (f.from) out.from = f.from;
  if (f.to) out.to = f.to;
  return out;
}

function downloadCsv(csv: string, name: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function AuditPage() {
  const api = useApi();
  const { t, tDynamic, formatDateTime, language } = useI18n();
  const { show } = useToasts();
  const errorText = useErrorText();
  const [filter, setFilter] = useState<AuditFilter>({});
  const applied = clean(filter);
  const key = JSON.stringify(applied);
  const { state, reload } = useCall((a) => a.audit.list({ ...applied, limit: 500 }), [key]);

  async function exportCsv() {
    const r = await api.audit.exportCsv(applied);
    if (r.ok) downloadCsv(r.value.csv, 'keystation-audit.csv');
    else show(errorText(r.error), 'error');
  }

  const v = state.status === 'ok' ? state.value.verification : null;
  return (
    <ConsoleLayout title={t('audit.title')} current="/operator/audit">
      {v ? (
        v.ok ? (
          <p className="ks-notice ks-notice--success" data-testid="audit-verification">
            {t('audit.chainOk', { rows: v.rows, count: v.rows })}
          </p>
        ) : (
          <div className="ks-notice ks-notice--error" role="alert" data-testid="audit-verification">
            <p className="ks-notice__title">{t('audit.chainBroken')}</p>
            <p>
              {tDynamic(`audit.problems.${v.problem ?? 'edited'}`, t('audit.problems.edited'), {
                seq: v.brokenAtSeq ?? '?',
              })}
            </p>
          </div>
        )
      ) : null}
      <div className="ks-op-filters">
        <TextField
          label={t('audit.person')}
          value={filter.person ?? ''}
          onChange={(e) => setFilter({ ...filter, person: e.target.value })}
        />
        <label className="ks-select">
          <span className="ks-select__label">{t('audit.operator')}</span>
          <select
            value={filter.operator ?? ''}
            data-testid="audit-operator"
            onChange={(e) => setFilter({ ...filter, operator: e.target.value || undefined })}
          >
            <option value="">{t('audit.any')}</option>
            {(state.status === 'ok' ? state.value.operators : []).map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <label className="ks-select">
          <span className="ks-select__label">{t('audit.action')}</span>
          <select
            value={filter.action ?? ''}
            data-testid="audit-action"
            onChange={(e) => setFilter({ ...filter, action: e.target.value || undefined })}
          >
            <option value="">{t('audit.any')}</option>
            {(state.status === 'ok' ? state.value.actions : []).map((a) => (
              <option key={a} value={a}>
                {tDynamic(`audit.actions.${a.replace('.', '_')}`, a)}
              </option>
            ))}
          </select>
        </label>
        <TextField
          label={t('audit.from')}
          type="date"
          value={filter.from ?? ''}
          onChange={(e) => setFilter({ ...filter, from: e.target.value || undefined })}
        />
        <TextField
          label={t('audit.to')}
          type="date"
          value={filter.to ?? ''}
          onChange={(e) => setFilter({ ...filter, to: e.target.value || undefined })}
        />
        <Button onClick={() => void exportCsv()}>{t('audit.export')}</Button>
      </div>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorNotice error={state.error} onRetry={reload} /> : null}
      {state.status === 'ok' ? (
        <table className="ks-op-table ks-op-audit" data-testid="audit-rows">
          <caption className="ks-muted">
            {t('audit.count', { count: state.value.rows.length })}
          </caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('audit.when')}</th>
              <th scope="col">{t('audit.who')}</th>
              <th scope="col">
                {t('audit.action')} / {t('audit.person')}
              </th>
              <th scope="col">{t('audit.details')}</th>
            </tr>
          </thead>
          <tbody>
            {state.value.rows.map((r) => (
              <tr
                key={r.seq}
                className={r.flagged ? 'ks-op-audit__flagged' : undefined}
                data-testid={`audit-row-${r.seq}`}
              >
                <td>
                  {r.seq}
                  {r.flagged ? (
                    <span className="ks-badge ks-op-badge--danger">{t('audit.tampered')}</span>
                  ) : null}
                </td>
                <td>{formatDateTime(r.at)}</td>
                <td>
                  {r.actor.kind === 'system'
                    ? t('audit.system')
                    : `${r.actor.label} (${t(`audit.actorKinds.${r.actor.kind}`)})`}
                </td>
                <td>
                  <span className="ks-op-audit__action" title={r.action}>
                    {tDynamic(`audit.actions.${r.action.replace('.', '_')}`, r.action)}
                  </span>
                  {(r.personUpn ?? r.personId) ? (
                    <span className="ks-op-audit__person">{r.personUpn ?? r.personId}</span>
                  ) : null}
                </td>
                <td className="ks-op-audit__details">
                  {describeAuditDetails(language, r.action, r.details)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <AuditAnchorPanel />
    </ConsoleLayout>
  );
}
