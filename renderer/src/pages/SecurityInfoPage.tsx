import { useState, type ComponentType } from 'react';
import type { MethodKind, MethodSummary, SecurityInfo } from '../../../preload/contract';
import {
  Button,
  Dialog,
  ErrorNotice,
  Icon,
  Loading,
  methodIconName,
  Notice,
  PageLayout,
} from '../components';
import { useCall } from '../api/ApiProvider';
import { securityInfoFlows, type FlowProps } from '../flows';
import { useI18n } from '../i18n/I18nProvider';
import { routeHref } from '../router';

type OpenFlow =
  | { kind: 'add' }
  | { kind: 'addKind'; method: MethodKind }
  | { kind: 'changeDefault' }
  | { kind: 'delete'; method: MethodSummary }
  | null;

/** SPEC §3.1: the person's methods, the default sign-in method, add / change / delete. */
export function SecurityInfoPage({ personId }: { personId: string }) {
  const { t } = useI18n();
  const { state, reload } = useCall((api) => api.securityInfo.get({ personId }), [personId]);
  const back = (
    <p className="ks-back">
      <a href={routeHref({ name: 'people' })}>← {t('securityInfo.backToRoster')}</a>
    </p>
  );

  return (
    <PageLayout title={t('securityInfo.title')} before={back}>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorNotice error={state.error} onRetry={reload} /> : null}
      {state.status === 'ok' ? <SecurityInfoView info={state.value} onChanged={reload} /> : null}
    </PageLayout>
  );
}

function SecurityInfoView({ info, onChanged }: { info: SecurityInfo; onChanged(): void }) {
  const { t, tDynamic, formatDate } = useI18n();
  const [open, setOpen] = useState<OpenFlow>(null);
  const kindName = (kind: MethodKind) => tDynamic(`methods.kind.${kind}`, kind);
  const defaultMethod = info.methods.find((m) => m.id === info.defaultMethodId) ?? null;
  const addable = info.offerableKinds.filter((k) => securityInfoFlows.addMethod[k]);
  const flows = securityInfoFlows;

  const done = (changed: boolean) => {
    setOpen(null);
    if (changed) onChanged();
  };
  const flowProps: FlowProps = { person: info.person, onDone: done };

  return (
    <>
      <p className="ks-lead">{t('securityInfo.intro')}</p>
      <p className="ks-person" data-testid="person-heading">
        <span className="ks-person__name">{info.person.displayName}</span>
        <span className="ks-person__upn">{info.person.upn}</span>
      </p>

      {info.registration.complete ? (
        <Notice tone="success">{t('securityInfo.registrationComplete')}</Notice>
      ) : (
        <Notice tone="warning">
          <p>{t('securityInfo.registrationIncomplete')}</p>
          <ul>
            {info.registration.missingKinds.map((kind) => (
              <li key={kind}>{t('securityInfo.missing.kind', { method: kindName(kind) })}</li>
            ))}
            {info.registration.additionalNeeded > 0 ? (
              <li>
                {t('securityInfo.missing.additional', {
                  count: info.registration.additionalNeeded,
                })}
              </li>
            ) : null}
            {info.registration.needsMfaMethod ? <li>{t('securityInfo.missing.mfa')}</li> : null}
          </ul>
        </Notice>
      )}

      <div className="ks-default-method">
        <span className="ks-default-method__label">{t('securityInfo.defaultMethod')}</span>{' '}
        <strong data-testid="default-method">
          {defaultMethod
            ? `${kindName(defaultMethod.kind)} – ${methodDetail(defaultMethod, t)}`
            : t('securityInfo.noDefault')}
        </strong>{' '}
        <Button
          variant="link"
          unavailable={!flows.changeDefault}
          disabledReason={t('common.notAvailableYet')}
          onClick={() => setOpen({ kind: 'changeDefault' })}
        >
          {t('securityInfo.change')}
        </Button>
      </div>

      <div className="ks-toolbar">
        <Button
          variant="primary"
          icon={<Icon name="plus" size={20} />}
          unavailable={addable.length === 0}
          disabledReason={t('common.notAvailableYet')}
          onClick={() =>
            setOpen(
              addable.length === 1 ? { kind: 'addKind', method: addable[0] } : { kind: 'add' },
            )
          }
        >
          {t('securityInfo.addMethod')}
        </Button>
      </div>

      <h2 className="ks-section-title">{t('securityInfo.methodsHeading')}</h2>
      {info.methods.length === 0 ? (
        <p className="ks-empty">{t('securityInfo.noMethods')}</p>
      ) : (
        <table className="ks-methods" data-testid="methods">
          <thead>
            <tr>
              <th scope="col">{t('securityInfo.columns.method')}</th>
              <th scope="col">{t('securityInfo.columns.detail')}</th>
              <th scope="col">{t('securityInfo.columns.added')}</th>
              <th scope="col">
                <span className="ks-visually-hidden">{t('securityInfo.columns.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {info.methods.map((m) => (
              <tr key={m.id}>
                <th scope="row" className="ks-methods__kind">
                  <span className="ks-method-icon">
                    <Icon name={methodIconName(m.kind)} />
                  </span>
                  {kindName(m.kind)}
                </th>
                <td>
                  {methodDetail(m, t)}
                  {m.securityKey?.isVirtual ? (
                    <span className="ks-badge ks-badge--demo">{t('securityInfo.virtualKey')}</span>
                  ) : null}
                </td>
                <td>
                  <time dateTime={m.createdAt}>{formatDate(m.createdAt)}</time>
                </td>
                <td className="ks-methods__actions">
                  <Button
                    variant="link"
                    unavailable={!flows.deleteMethod}
                    disabledReason={t('common.notAvailableYet')}
                    aria-label={t('securityInfo.deleteMethod', { method: kindName(m.kind) })}
                    onClick={() => setOpen({ kind: 'delete', method: m })}
                  >
                    {t('securityInfo.delete')}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {open?.kind === 'add' ? (
        <Dialog open title={t('securityInfo.addMethod')} onClose={() => setOpen(null)}>
          <ul className="ks-choice-list">
            {addable.map((k) => (
              <li key={k}>
                <Button onClick={() => setOpen({ kind: 'addKind', method: k })}>
                  {kindName(k)}
                </Button>
              </li>
            ))}
          </ul>
        </Dialog>
      ) : null}
      {open?.kind === 'addKind'
        ? renderFlow(flows.addMethod[open.method], kindName(open.method), flowProps, () =>
            setOpen(null),
          )
        : null}
      {open?.kind === 'changeDefault' && flows.changeDefault ? (
        <Dialog open title={t('securityInfo.defaultMethod')} onClose={() => setOpen(null)}>
          <flows.changeDefault {...flowProps} methods={info.methods} />
        </Dialog>
      ) : null}
      {open?.kind === 'delete' && flows.deleteMethod ? (
        <Dialog
          open
          title={t('securityInfo.deleteMethod', { method: kindName(open.method.kind) })}
          onClose={() => setOpen(null)}
        >
          <flows.deleteMethod {...flowProps} method={open.method} />
        </Dialog>
      ) : null}
    </>
  );
}

function renderFlow(
  Flow: ComponentType<FlowProps> | undefined,
  title: string,
  props: FlowProps,
  onClose: () => void,
) {
  if (!Flow) return null;
  return (
    <Dialog open title={title} onClose={onClose}>
      <Flow {...props} />
    </Dialog>
  );
}

type Translate = ReturnType<typeof useI18n>['t'];

function methodDetail(m: MethodSummary, t: Translate): string {
  if (m.securityKey) {
    const model = m.securityKey.isVirtual ? t('securityInfo.virtualKey') : m.securityKey.model;
    return model && model !== m.securityKey.name
      ? `${m.securityKey.name} (${model})`
      : m.securityKey.name;
  }
  if (m.kind === 'securityQuestions' && /^\d+$/.test(m.detail)) {
    return t('securityInfo.questionCount', { count: Number(m.detail) });
  }
  // The kind is named in its own (translated) column; the detail may be empty.
  return m.detail || '–';
}
