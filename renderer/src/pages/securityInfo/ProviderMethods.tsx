/**
 * Where each method lives on a station linked to the identity provider (docs/IDP.md): the
 * station's own methods marked "On this station" or "Confirmed in Entra ID", the methods Entra ID
 * already holds (Authenticator phone sign-in, phone, passkeys …) marked "In Entra ID", and, said
 * plainly, the kinds that have no way into Entra ID and stay on this station. Deleting a method
 * Entra ID holds asks first and is sent to Entra ID.
 */
import { useEffect, useState } from 'react';
import type {
  ContractError,
  MethodKind,
  MethodSyncState,
  PersonProviderLink,
  ProviderMethod,
} from '../../../../preload/contract';
import { useApi, useCall, type CallState } from '../../api/ApiProvider';
import { Button, Dialog, useToasts } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { MethodError } from './MethodError';
import '../securityInfo.css';

/** Kinds the provider has no write API for: they stay on the station (docs/IDP.md). */
export const STAYS_LOCAL: ReadonlySet<MethodKind> = new Set([
  'authenticatorApp',
  'securityQuestions',
]);

export function useProviderLink(personId: string): {
  link: PersonProviderLink | null;
  state: CallState<PersonProviderLink>;
  reload(): void;
} {
  const { state, reload } = useCall((api) => api.identityProvider.person({ personId }), [personId]);
  const [link, setLink] = useState<PersonProviderLink | null>(null);
  useEffect(() => {
    if (state.status === 'ok') setLink(state.value);
  }, [state]);
  return { link, state, reload };
}

type Where = 'confirmed' | 'waiting' | 'refused' | 'staysLocal' | 'station';

function whereOf(kind: MethodKind, state: MethodSyncState | undefined): Where {
  if (state === 'confirmed') return 'confirmed';
  if (state === 'pending' || state === 'sent') return 'waiting';
  if (state === 'failed') return 'refused';
  if (STAYS_LOCAL.has(kind)) return 'staysLocal';
  return 'station';
}

/** The marker in a station method's row: where it lives and how its sync stands. */
export function WhereMarker({
  link,
  methodId,
  kind,
}: {
  link: PersonProviderLink | null;
  methodId: string;
  kind: MethodKind;
}) {
  const { t } = useI18n();
  if (!link?.stationLinked) return null;
  const where = whereOf(kind, link.sync[methodId]);
  return (
    <span
      className={`ks-badge ks-where ks-where--${where}`}
      data-testid="method-where"
      data-where={where}
    >
      {t(`securityInfo.where.${where}`)}
    </span>
  );
}

export function providerTypeName(
  type: ProviderMethod['type'],
  tDynamic: (k: string, f: string) => string,
): string {
  return tDynamic(`securityInfo.providerType.${type}`, type);
}

/**
 * What identifies the method to its owner: the phone's type and number, the Authenticator's
 * device name, the address, the key's name and model — each said once.
 */
export function providerDetail(
  m: ProviderMethod,
  tDynamic: (k: string, f: string) => string,
): string {
  if (m.type === 'phone')
    return [tDynamic(`securityInfo.phoneType.${m.label}`, m.label), m.detail]
      .filter(Boolean)
      .join(' · ');
  // The Authenticator's device tag and Windows Hello's key strength mean nothing to a person.
  if (m.type === 'microsoftAuthenticator' || m.type === 'windowsHelloForBusiness') return m.label;
  return [...new Set([m.label, m.detail].filter(Boolean))].join(' · ');
}

function describeProviderMethod(
  m: ProviderMethod,
  tDynamic: (k: string, f: string) => string,
): string {
  const name = providerTypeName(m.type, tDynamic);
  const detail = providerDetail(m, tDynamic);
  return detail ? `${name} – ${detail}` : name;
}

function DeleteProviderMethodDialog({
  personId,
  method,
  onClose,
}: {
  personId: string;
  method: ProviderMethod;
  onClose(changed: boolean): void;
}) {
  const api = useApi();
  const { t, tDynamic } = useI18n();
  const toasts = useToasts();
  const [error, setError] = useState<ContractError | null>(null);
  const [busy, setBusy] = useState(false);
  const described = describeProviderMethod(method, tDynamic);

  useEffect(() => {
    const timer = setTimeout(
      () => document.querySelector<HTMLElement>('[data-testid="provider-delete-cancel"]')?.focus(),
      0,
    );
    return () => clearTimeout(timer);
  }, []);

  async function confirm() {
    if (busy) return;
    setBusy(true);
    const r = await api.identityProvider.deleteProviderMethod({
      personId,
      providerMethodId: method.providerMethodId,
    });
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    toasts.show(t('securityInfo.provider.deleteSent', { method: described }), 'success');
    onClose(true);
  }

  return (
    <Dialog
      open
      title={t('securityInfo.provider.deleteTitle', { method: described })}
      onClose={() => onClose(false)}
      actions={
        <>
          <Button onClick={() => onClose(false)} data-testid="provider-delete-cancel">
            {t('common.cancel')}
          </Button>
          <Button
            variant="danger"
            unavailable={busy}
            onClick={() => void confirm()}
            data-testid="provider-delete-confirm"
          >
            {t('securityInfo.provider.deleteConfirm')}
          </Button>
        </>
      }
    >
      <p>{t('securityInfo.provider.deleteBody', { method: described })}</p>
      <p className="ks-delete-warning">{t('securityInfo.provider.deleteWarning')}</p>
      <MethodError error={error} />
    </Dialog>
  );
}

/** The methods Entra ID holds for this person, each deletable after a confirmation. */
export function ProviderMethodsSection({
  personId,
  link,
  onChanged,
}: {
  personId: string;
  link: PersonProviderLink | null;
  onChanged(): void;
}) {
  const { t, tDynamic, formatDate } = useI18n();
  const [deleting, setDeleting] = useState<ProviderMethod | null>(null);
  if (!link?.stationLinked) return null;
  return (
    <section className="ks-provider" data-testid="provider-section">
      <h2 className="ks-section-title">{t('securityInfo.provider.heading')}</h2>
      {!link.linked ? (
        <p className="ks-muted">{t('securityInfo.provider.personNotLinked')}</p>
      ) : link.providerMethods.length === 0 ? (
        <p className="ks-empty">{t('securityInfo.provider.none')}</p>
      ) : (
        <table className="ks-methods" data-testid="provider-methods">
          <thead>
            <tr>
              <th scope="col">{t('securityInfo.columns.method')}</th>
              <th scope="col">{t('securityInfo.columns.detail')}</th>
              <th scope="col">{t('securityInfo.columns.added')}</th>
              <th scope="col">{t('securityInfo.columns.where')}</th>
              <th scope="col">
                <span className="ks-visually-hidden">{t('securityInfo.columns.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {link.providerMethods.map((m) => (
              <tr
                key={m.providerMethodId}
                data-provider-method-id={m.providerMethodId}
                data-type={m.type}
              >
                <th scope="row">{providerTypeName(m.type, tDynamic)}</th>
                <td>{providerDetail(m, tDynamic) || '–'}</td>
                <td>
                  {m.createdAt ? (
                    <time dateTime={m.createdAt}>{formatDate(m.createdAt)}</time>
                  ) : (
                    '–'
                  )}
                </td>
                <td>
                  <span className="ks-badge ks-where ks-where--provider" data-where="provider">
                    {m.deleting
                      ? t('securityInfo.where.deleting')
                      : t('securityInfo.where.provider')}
                  </span>
                </td>
                <td className="ks-methods__actions">
                  {m.deletable && !m.deleting ? (
                    <Button
                      variant="link"
                      aria-label={t('securityInfo.deleteMethod', {
                        method: describeProviderMethod(m, tDynamic),
                      })}
                      onClick={() => setDeleting(m)}
                    >
                      {t('securityInfo.delete')}
                    </Button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="ks-muted" data-testid="provider-stays-local">
        {t('securityInfo.provider.staysLocal')}
      </p>
      {deleting ? (
        <DeleteProviderMethodDialog
          personId={personId}
          method={deleting}
          onClose={(changed) => {
            setDeleting(null);
            if (changed) onChanged();
          }}
        />
      ) : null}
    </section>
  );
}
