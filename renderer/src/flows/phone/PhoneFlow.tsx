/**
 * Phone (DESIGN.md §3.5): country + number → "Text me a code" or "Call me" → enter the
 * code (or an operator confirms in person) → done. An extension is removed and the person is
 * told so; numbers are stored in E.164 by main.
 */
import { useEffect, useMemo, useState } from 'react';
import type {
  ContactOptions,
  MethodKind,
  PhoneVerification,
  Result,
} from '../../../../preload/contract';
import { useApi } from '../../api/ApiProvider';
import { Button } from '../../components/Button';
import { FlowCancel, FlowDoneStep, FlowError, FlowStep } from '../../components/FlowParts';
import { Loading, Notice } from '../../components/Status';
import { TextField } from '../../components/TextField';
import { useI18n } from '../../i18n/I18nProvider';
import type { FlowProps } from '../index';
import {
  ContactCodeStep,
  InPersonOption,
  loadContactOptions,
  useContactEnrollment,
} from '../common/ContactVerification';
import { countryOptions } from './countries';

type PhoneKind = 'phoneSms' | 'phoneCall';
type StartedPhone = PhoneVerification & { kind: PhoneKind };

/** A phone number never breaks across lines (no-break spaces between its groups). */
function keepTogether(display: string): string {
  return display.replace(/ /g, '\u00a0');
}

export function makePhoneFlow(preferred: PhoneKind) {
  function PhoneKindFlow(props: FlowProps) {
    return <PhoneFlow {...props} preferred={preferred} />;
  }
  return PhoneKindFlow;
}

export function PhoneFlow({ person, onDone, preferred }: FlowProps & { preferred: PhoneKind }) {
  const api = useApi();
  const { t, language } = useI18n();
  const [country, setCountry] = useState('SE');
  const [number, setNumber] = useState('');
  const [inPerson, setInPerson] = useState(false);
  // Seed 002: a call may go to another phone than the mobile (an alternate or office phone).
  const [phoneType, setPhoneType] = useState<'mobile' | 'alternateMobile' | 'office'>('mobile');
  const [options, setOptions] = useState<ContactOptions | null>(null);
  const [offerable, setOfferable] = useState<MethodKind[] | null>(null);
  const countries = useMemo(() => countryOptions(language), [language]);
  const enrollment = useContactEnrollment<StartedPhone>(
    {
      complete: (enrollmentId, code) => api.enrollment.phoneComplete({ enrollmentId, code }),
      confirmInPerson: (enrollmentId) => api.enrollment.phoneConfirmInPerson({ enrollmentId }),
      cancel: (enrollmentId) => void api.enrollment.phoneCancel({ enrollmentId }),
    },
    onDone,
  );
  const { stage, started, added, busy, error } = enrollment;

  useEffect(() => {
    let live = true;
    void Promise.all([loadContactOptions(api), api.securityInfo.get({ personId: person.id })]).then(
      ([o, info]) => {
        if (!live) return;
        setOptions(o);
        setOfferable(info.ok ? info.value.offerableKinds : [preferred]);
      },
    );
    return () => {
      live = false;
    };
  }, [api, person.id, preferred]);

  if (!options || !offerable) return <Loading />;
  // Kinds the organization does not allow (or already registered) are not offered at all.
  const order: PhoneKind[] =
    preferred === 'phoneSms' ? ['phoneSms', 'phoneCall'] : ['phoneCall', 'phoneSms'];
  const offered = order.filter((k) => offerable.includes(k));
  // Texts go to the mobile only: another phone gets a call.
  const kinds = phoneType === 'mobile' ? offered : offered.filter((k) => k === 'phoneCall');

  const begin = async (kind: PhoneKind) => {
    if (number.trim() === '') {
      enrollment.setError({ kind: 'station', code: 'phone.invalid' });
      return;
    }
    await enrollment.begin(async (): Promise<Result<StartedPhone>> => {
      const r = await api.enrollment.phoneBegin({
        personId: person.id,
        kind,
        number: number.trim(),
        country,
        delivery: inPerson ? 'inPerson' : 'gateway',
        ...(kind === 'phoneCall' ? { phoneType } : {}),
      });
      return r.ok ? { ok: true, value: { ...r.value, kind } } : r;
    });
  };

  if (stage === 'code' && started) {
    const shown = keepTogether(started.display);
    return (
      <ContactCodeStep
        method="phone"
        enrollment={enrollment}
        options={options}
        heading={t('phone.code.heading')}
        sent={
          started.kind === 'phoneSms'
            ? t('phone.code.sentSms', { number: shown })
            : t('phone.code.sentCall', { number: shown })
        }
        saved={
          started.kind === 'phoneSms'
            ? t('phone.code.savedSms', { number: shown })
            : t('phone.code.savedCall', { number: shown })
        }
        sentTestId="phone-sent"
        inPerson={t('phone.code.inPerson', { number: shown })}
        staffBody={t('enroll.staff.bodyPhone', { number: shown })}
        notice={
          started.extensionRemoved ? (
            <Notice tone="warning">
              <p data-testid="phone-extension-notice">
                {t('phone.code.extensionRemoved', {
                  extension: started.extensionRemoved,
                  number: shown,
                })}
              </p>
            </Notice>
          ) : null
        }
      />
    );
  }

  if (stage === 'done') {
    const shown = keepTogether(started?.display ?? '');
    return (
      <FlowDoneStep
        testId="phone-step-done"
        title={t('phone.success.heading')}
        onDone={enrollment.report}
      >
        <p>
          {started?.kind === 'phoneCall'
            ? t('phone.success.call', { number: shown })
            : t('phone.success.sms', { number: shown })}
        </p>
        {added?.isDefault ? <p>{t('enroll.nowDefault')}</p> : null}
      </FlowDoneStep>
    );
  }

  return (
    <FlowStep
      testId="phone-step-number"
      title={t('phone.number.heading')}
      onSubmit={() => kinds[0] && void begin(kinds[0])}
      actions={
        <>
          <FlowCancel onDone={onDone} busy={busy} />
          {/* The preferred way is primary (and Enter); buttons are ordered primary last. */}
          {[...kinds].reverse().map((k) => (
            <Button
              key={k}
              variant={k === kinds[0] ? 'primary' : 'secondary'}
              type={k === kinds[0] ? 'submit' : 'button'}
              disabled={busy}
              onClick={k === kinds[0] ? undefined : () => void begin(k)}
            >
              {k === 'phoneSms' ? t('phone.number.text') : t('phone.number.call')}
            </Button>
          ))}
        </>
      }
    >
      <p>{t('phone.number.body')}</p>
      {kinds.length === 0 ? <Notice tone="warning">{t('phone.number.noneOffered')}</Notice> : null}
      {offered.includes('phoneCall') ? (
        <div className="ks-flow-select">
          <label htmlFor="ks-phone-type">{t('phone.type.label')}</label>
          <select
            id="ks-phone-type"
            value={phoneType}
            aria-describedby="ks-phone-type-hint"
            onChange={(e) => setPhoneType(e.target.value as typeof phoneType)}
            data-testid="phone-type"
          >
            {(['mobile', 'alternateMobile', 'office'] as const).map((p) => (
              <option key={p} value={p}>
                {t(`phone.type.${p}`)}
              </option>
            ))}
          </select>
          <p className="ks-field__hint" id="ks-phone-type-hint">
            {t('phone.type.callOnly')}
          </p>
        </div>
      ) : null}
      <div className="ks-flow-fields">
        <div className="ks-flow-select">
          <label htmlFor="ks-phone-country">{t('phone.number.country')}</label>
          <select
            id="ks-phone-country"
            value={country}
            onChange={(e) => setCountry(e.target.value)}
          >
            {countries.map((c) => (
              <option key={c.code} value={c.code}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <TextField
          label={t('phone.number.label')}
          hint={t('phone.number.hint')}
          value={number}
          type="tel"
          autoComplete="tel"
          maxLength={64}
          onChange={(e) => setNumber(e.target.value)}
        />
      </div>
      <InPersonOption options={options} checked={inPerson} onChange={setInPerson} />
      <FlowError error={error} />
    </FlowStep>
  );
}
