/**
 * The operators' list of "Kontakta en administratör" requests (docs/DESIGN.md §3.9): who, when,
 * which station, what failed; "Handled" closes one.
 */
import type { AdminRequestView } from '../../../../preload/contract';
import { useApi, useCall } from '../../api/ApiProvider';
import { Button, ErrorNotice, Loading } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { useState } from 'react';

export function AdminRequests() {
  const api = useApi();
  const { t, tDynamic, formatDateTime } = useI18n();
  const { state, reload } = useCall((a) => a.passwordReset.requests({ openOnly: true }), []);
  const [handled, setHandled] = useState<AdminRequestView[] | null>(null);
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error') return <ErrorNotice error={state.error} onRetry={reload} />;
  const rows = handled ?? state.value;
  return (
    <section data-testid="admin-requests">
      <h2 className="ks-section-title">{t('reset.requests.title')}</h2>
      {rows.length === 0 ? (
        <p>{t('reset.requests.empty')}</p>
      ) : (
        <table className="ks-op-table">
          <thead>
            <tr>
              <th scope="col">{t('reset.requests.who')}</th>
              <th scope="col">{t('reset.requests.when')}</th>
              <th scope="col">{t('reset.requests.station')}</th>
              <th scope="col">{t('reset.requests.what')}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="admin-request">
                <th scope="row">{r.upn}</th>
                <td>{formatDateTime(r.createdAt)}</td>
                <td>{r.stationName || r.stationId}</td>
                <td>
                  {tDynamic(`reset.outcome.${r.reason}.title`, r.reason)}
                  {r.emailed ? ` · ${t('reset.requests.emailed')}` : ''}
                </td>
                <td>
                  <Button
                    variant="secondary"
                    onClick={() =>
                      void api.passwordReset.handleRequest({ id: r.id }).then((x) => {
                        if (x.ok) setHandled(x.value);
                      })
                    }
                  >
                    {t('reset.requests.handle')}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
