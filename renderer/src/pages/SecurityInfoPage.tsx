import { useEffect, useState, type ComponentType } from 'react';
import { isMfaKind, isTotpKind } from '../../../domain/methods';
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
import { describeMethod, methodDetail } from './methodDetail';
import { Wizard } from './WizardPage';
import { useAccess } from './operator/access';
import { AddMethodDialog } from './securityInfo/AddMethodDialog';
import { ChangeDefaultDialog } from './securityInfo/ChangeDefaultDialog';
import { DeleteMethodDialog } from './securityInfo/DeleteMethodDialog';
import { RenameMethodForm } from './securityInfo/RenameMethodForm';
import {
  ProviderMethodsSection,
  useProviderLink,
  WhereMarker,
} from './securityInfo/ProviderMethods';
import './securityInfo.css';
import './wizard.css';

type OpenDialog =
  | { kind: 'add' }
  | { kind: 'addKind'; method: MethodKind }
  | { kind: 'changeDefault' }
  | { kind: 'delete'; method: MethodSummary }
  | null;

/**
 * DESIGN.md §3.1: the person's methods, the default sign-in method, add / change / delete, and what
 * registration still requires. When the methods don't meet the policy the page opens as the
 * "Keep your account secure" wizard (DESIGN.md §3.2) — once per visit; "Set up now" opens it again.
 */
export function SecurityInfoPage({ personId }: { personId: string }) {
  const { t } = useI18n();
  const { state, reload } = useCall((api) => api.securityInfo.get({ personId }), [personId]);
  const [wizard, setWizard] = useState<'undecided' | 'open' | 'closed'>('undecided');
  // Kept here: the view below is rebuilt when the list reloads after the deletion.
  const [appRemoved, setAppRemoved] = useState(false);

  useEffect(() => {
    if (wizard === 'undecided' && state.status === 'ok') {
      setWizard(state.value.registration.complete ? 'closed' : 'open');
    }
  }, [wizard, state]);

  const showWizard = wizard === 'open' && state.status === 'ok';
  // One way back, and only where it leads somewhere: the open demo's person picker. A kiosk
  // person has nowhere to go back to; an operator has the console's own link to the person.
  const { status } = useAccess();
  const back =
    status?.role === 'open' ? (
      <p className="ks-back">
        <a href={routeHref({ name: 'people' })}>← {t('securityInfo.backToRoster')}</a>
      </p>
    ) : null;

  return (
    <PageLayout title={showWizard ? t('wizard.title') : t('securityInfo.title')} before={back}>
      {state.status === 'loading' && wizard !== 'open' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorNotice error={state.error} onRetry={reload} /> : null}
      {showWizard ? (
        <Wizard
          person={state.value.person}
          methodsBefore={state.value.methods}
          onExit={() => {
            setWizard('closed');
            reload();
          }}
        />
      ) : state.status === 'ok' && wizard === 'closed' ? (
        <SecurityInfoView
          info={state.value}
          appRemoved={appRemoved}
          onAppRemoved={setAppRemoved}
          onChanged={reload}
          onOpenWizard={() => setWizard('open')}
        />
      ) : null}
    </PageLayout>
  );
}

function SecurityInfoView({
  info,
  appRemoved,
  onAppRemoved,
  onChanged,
  onOpenWizard,
}: {
  info: SecurityInfo;
  /** An authenticator app was just deleted: remind the person to remove the account in it. */
  appRemoved: boolean;
  onAppRemoved(removed: boolean): void;
  onChanged(): void;
  onOpenWizard(): void;
}) {
  const i18n = useI18n();
  const { t, tDynamic, formatDate } = i18n;
  const describe = (m: MethodSummary) => describeMethod(m, i18n);
  const [open, setOpen] = useState<OpenDialog>(null);
  // The app or token whose name is being changed in its row ("Byt namn").
  const [renaming, setRenaming] = useState<string | null>(null);
  const kindName = (kind: MethodKind) => tDynamic(`methods.kind.${kind}`, kind);
  const defaultMethod = info.methods.find((m) => m.id === info.defaultMethodId) ?? null;
  const addable = info.offerableKinds.filter((k) => securityInfoFlows.addMethod[k]);
  // At the five apps/tokens limit those kinds stay visible with the reason (DESIGN.md §1), not hidden.
  const limited = info.limitedKinds.filter((k) => securityInfoFlows.addMethod[k]);
  const mfaMethods = info.methods.filter((m) => m.usableForMfa);
  // On a station linked to the identity provider: where each method lives (docs/IDP.md).
  const { link, reload: reloadLink } = useProviderLink(info.person.id);
  const linked = link?.stationLinked === true;

  const done = (changed: boolean) => {
    setOpen(null);
    if (changed) {
      onChanged();
      reloadLink();
    }
  };
  const flowProps: FlowProps = { person: info.person, onDone: done };

  return (
    <>
      <p className="ks-lead">{t('securityInfo.intro')}</p>
      <p className="ks-person" data-testid="person-heading">
        <span className="ks-person__name">{info.person.displayName}</span>
        <span className="ks-person__upn">{info.person.upn}</span>
      </p>

      {appRemoved ? (
        <Notice tone="warning">
          <div data-testid="app-removed-reminder">
            <p className="ks-notice__title">{t('securityInfo.appRemoved.title')}</p>
            <p>{t('securityInfo.appRemoved.body')}</p>
            <Button variant="link" onClick={() => onAppRemoved(false)}>
              {t('common.close')}
            </Button>
          </div>
        </Notice>
      ) : null}

      <div data-testid="registration-status">
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
              {/* Said only when no missing kind is one already (a security key is). */}
              {info.registration.needsMfaMethod &&
              !info.registration.missingKinds.some(isMfaKind) ? (
                <li>{t('securityInfo.missing.mfa')}</li>
              ) : null}
            </ul>
            <Button variant="primary" onClick={onOpenWizard} data-testid="open-wizard">
              {t('securityInfo.setUpNow')}
            </Button>
          </Notice>
        )}
      </div>

      <div className="ks-default-method">
        <span className="ks-default-method__label">{t('securityInfo.defaultMethod')}</span>{' '}
        <strong data-testid="default-method">
          {defaultMethod ? describe(defaultMethod) : t('securityInfo.noDefault')}
        </strong>{' '}
        {mfaMethods.length > 0 ? (
          <Button
            variant="link"
            onClick={() => setOpen({ kind: 'changeDefault' })}
            data-testid="change-default"
          >
            {t('securityInfo.change')}
          </Button>
        ) : null}
      </div>

      {addable.length > 0 || limited.length > 0 ? (
        <div className="ks-toolbar">
          <Button
            variant="primary"
            icon={<Icon name="plus" size={20} />}
            onClick={() => setOpen({ kind: 'add' })}
          >
            {t('securityInfo.addMethod')}
          </Button>
        </div>
      ) : null}

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
              {linked ? <th scope="col">{t('securityInfo.columns.where')}</th> : null}
              <th scope="col">
                <span className="ks-visually-hidden">{t('securityInfo.columns.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {info.methods.map((m) => (
              <tr key={m.id} data-method-id={m.id} data-kind={m.kind}>
                <th scope="row" className="ks-methods__kind">
                  <span className="ks-method-icon">
                    <Icon name={methodIconName(m.kind)} />
                  </span>
                  {kindName(m.kind)}
                  {m.id === info.defaultMethodId ? (
                    <span className="ks-badge ks-badge--default" data-testid="default-badge">
                      {t('securityInfo.default')}
                    </span>
                  ) : null}
                </th>
                <td>
                  {renaming === m.id ? (
                    <RenameMethodForm
                      personId={info.person.id}
                      method={m}
                      onClose={(changed) => {
                        setRenaming(null);
                        if (changed) onChanged();
                      }}
                    />
                  ) : (
                    <span data-testid="method-detail">
                      {methodDetail(m, t, { virtualBadgeShown: true })}
                    </span>
                  )}
                  {m.securityKey?.isVirtual ? (
                    <span className="ks-badge ks-badge--demo">{t('securityInfo.virtualKey')}</span>
                  ) : null}
                </td>
                <td>
                  <time dateTime={m.createdAt}>{formatDate(m.createdAt)}</time>
                </td>
                {linked ? (
                  <td>
                    <WhereMarker link={link} methodId={m.id} kind={m.kind} />
                  </td>
                ) : null}
                <td className="ks-methods__actions">
                  {isTotpKind(m.kind) && renaming !== m.id ? (
                    <>
                      <Button
                        variant="link"
                        aria-label={t('securityInfo.rename.actionFor', { method: describe(m) })}
                        onClick={() => setRenaming(m.id)}
                        data-testid="rename-method"
                      >
                        {t('securityInfo.rename.action')}
                      </Button>{' '}
                    </>
                  ) : null}
                  <Button
                    variant="link"
                    aria-label={t('securityInfo.deleteMethod', { method: describe(m) })}
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

      <ProviderMethodsSection personId={info.person.id} link={link} onChanged={reloadLink} />

      <p className="ks-muted ks-directory-note" data-testid="directory-note">
        {t('securityInfo.directoryNote')}
      </p>

      {open?.kind === 'add' ? (
        <AddMethodDialog
          kinds={addable}
          limited={limited}
          kindName={kindName}
          onClose={() => setOpen(null)}
          onChoose={(k) => setOpen({ kind: 'addKind', method: k })}
        />
      ) : null}
      {open?.kind === 'addKind'
        ? renderFlow(
            securityInfoFlows.addMethod[open.method],
            kindName(open.method),
            flowProps,
            () => setOpen(null),
          )
        : null}
      {open?.kind === 'changeDefault' ? (
        <ChangeDefaultDialog
          info={info}
          candidates={mfaMethods}
          describe={describe}
          onClose={done}
        />
      ) : null}
      {open?.kind === 'delete' ? (
        <DeleteMethodDialog
          info={info}
          method={open.method}
          describe={describe}
          onClose={(changed) => {
            if (changed && open.method.kind === 'authenticatorApp') onAppRemoved(true);
            done(changed);
          }}
        />
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
