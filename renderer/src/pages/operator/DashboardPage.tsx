/** Registration progress of the roster (DESIGN.md §3.7) as plain SVG bars, plus methods and keys. */
import type { Dashboard, DashboardCounts } from '../../../../preload/contract';
import { AdminRequests } from '../reset/AdminRequests';
import { useCall } from '../../api/ApiProvider';
import { ErrorNotice, Loading } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { ConsoleLayout } from './ConsoleLayout';

const parts = ['complete', 'incomplete', 'notStarted'] as const;

/** One horizontal stacked bar per row; each part is also in the table below for screen readers. */
export function ProgressChart({
  rows,
  label,
}: {
  rows: { name: string; counts: DashboardCounts }[];
  label: string;
}) {
  const { t } = useI18n();
  const barHeight = 26;
  const gap = 12;
  const labelWidth = 180;
  const width = 720;
  const barWidth = width - labelWidth - 60;
  const height = rows.length * (barHeight + gap) + 30;
  return (
    <figure className="ks-op-chart">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={label}
        width="100%"
        preserveAspectRatio="xMinYMin meet"
      >
        {rows.map((row, i) => {
          const total = row.counts.complete + row.counts.incomplete + row.counts.notStarted;
          let x = labelWidth;
          const y = i * (barHeight + gap);
          return (
            <g key={row.name} data-testid={`chart-row-${i}`}>
              <text x={0} y={y + barHeight * 0.7} className="ks-op-chart__label">
                {row.name}
              </text>
              {parts.map((p) => {
                const w = total === 0 ? 0 : (row.counts[p] / total) * barWidth;
                const rect = (
                  <rect
                    key={p}
                    x={x}
                    y={y}
                    width={w}
                    height={barHeight}
                    className={`ks-op-chart__${p}`}
                  >
                    <title>{`${t(`operator.dashboard.${p}`)}: ${row.counts[p]}`}</title>
                  </rect>
                );
                x += w;
                return rect;
              })}
              <text
                x={labelWidth + barWidth + 8}
                y={y + barHeight * 0.7}
                className="ks-op-chart__total"
              >
                {total}
              </text>
            </g>
          );
        })}
        <g transform={`translate(${labelWidth}, ${rows.length * (barHeight + gap) + 8})`}>
          {parts.map((p, i) => (
            <g key={p} transform={`translate(${i * 170}, 0)`}>
              <rect width={14} height={14} className={`ks-op-chart__${p}`} />
              <text x={20} y={12} className="ks-op-chart__legend">
                {t(`operator.dashboard.${p}`)}
              </text>
            </g>
          ))}
        </g>
      </svg>
    </figure>
  );
}

function CountsTable({ data }: { data: Dashboard }) {
  const { t, tDynamic } = useI18n();
  return (
    <div className="ks-op-grid">
      <section>
        <h2 className="ks-section-title">{t('operator.dashboard.methodsByKind')}</h2>
        {data.methodsByKind.length === 0 ? (
          <p className="ks-empty">{t('operator.dashboard.none')}</p>
        ) : (
          <table className="ks-op-table" data-testid="methods-by-kind">
            <tbody>
              {data.methodsByKind.map((m) => (
                <tr key={m.kind}>
                  <th scope="row">{tDynamic(`methods.kind.${m.kind}`, m.kind)}</th>
                  <td>{m.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section>
        <h2 className="ks-section-title">{t('operator.dashboard.keysByModel')}</h2>
        {data.keysByModel.length === 0 ? (
          <p className="ks-empty">{t('operator.dashboard.none')}</p>
        ) : (
          <table className="ks-op-table" data-testid="keys-by-model">
            <tbody>
              {data.keysByModel.map((k) => (
                <tr key={k.model}>
                  <th scope="row">{k.virtual ? t('operator.dashboard.virtualKey') : k.model}</th>
                  <td>{k.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

/**
 * "Registered in Entra ID": only methods the provider confirmed count; what is still queued or
 * failed is said apart (docs/IDP.md). Shown on a linked station.
 */
function ProviderRegistered() {
  const { t } = useI18n();
  const { state } = useCall((api) => api.identityProvider.summary({}), []);
  if (state.status !== 'ok' || !state.value.linked) return null;
  const s = state.value;
  return (
    <section data-testid="dashboard-provider">
      <h2 className="ks-section-title">{t('operator.dashboard.provider.title')}</h2>
      <p data-testid="dashboard-provider-confirmed">
        {t('operator.dashboard.provider.confirmed', {
          methods: s.confirmedMethods,
          people: s.confirmedPeople,
        })}
      </p>
      {s.waiting > 0 ? (
        <p>{t('operator.dashboard.provider.waiting', { count: s.waiting })}</p>
      ) : null}
      {s.failed > 0 ? (
        <p>
          <a href="#/operator/identity-provider">
            {t('operator.dashboard.provider.failed', { count: s.failed })}
          </a>
        </p>
      ) : null}
    </section>
  );
}

export function DashboardPage() {
  const { t } = useI18n();
  const { state, reload } = useCall((api) => api.roster.dashboard({}), []);
  return (
    <ConsoleLayout title={t('operator.dashboard.title')} current="/operator">
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorNotice error={state.error} onRetry={reload} /> : null}
      {state.status === 'ok' ? (
        <>
          <p className="ks-lead" data-testid="dashboard-total">
            {t('operator.dashboard.summary', {
              complete: state.value.total.complete,
              incomplete: state.value.total.incomplete,
              notStarted: state.value.total.notStarted,
            })}
          </p>
          <h2 className="ks-section-title">{t('operator.dashboard.byDepartment')}</h2>
          <ProgressChart
            label={t('operator.dashboard.chartLabel')}
            rows={[
              { name: t('operator.dashboard.everyone'), counts: state.value.total },
              ...state.value.byDepartment.map((d) => ({
                name: d.department || t('operator.dashboard.noDepartment'),
                counts: d,
              })),
            ]}
          />
          <table className="ks-op-table ks-visually-hidden">
            <caption>{t('operator.dashboard.byDepartment')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('operator.roster.department')}</th>
                {parts.map((p) => (
                  <th key={p} scope="col">
                    {t(`operator.dashboard.${p}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {state.value.byDepartment.map((d) => (
                <tr key={d.department}>
                  <th scope="row">{d.department || t('operator.dashboard.noDepartment')}</th>
                  {parts.map((p) => (
                    <td key={p}>{d[p]}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <CountsTable data={state.value} />
          <ProviderRegistered />
        </>
      ) : null}
      <AdminRequests />
    </ConsoleLayout>
  );
}
