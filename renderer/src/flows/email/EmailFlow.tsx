/**
 * Alternate email (DESIGN.md §3.6, §1: password reset only): address → code by mail, or an
 * operator confirms in person → done.
 */
import { useEffect, useState } from 'react';
import type { ContactOptions, EmailVerification } from '../../../../preload/contract';
import { useApi } from '../../api/ApiProvider';
import { FlowActions, FlowDoneStep, FlowError, FlowStep } from '../../components/FlowParts';
import { Loading } from '../../components/Status';
import { TextField } from '../../components/TextField';
import { useI18n } from '../../i18n/I18nProvider';
import type { FlowProps } from '../index';
import {
  ContactCodeStep,
  InPersonOption,
  loadContactOptions,
  useContactEnrollment,
} from '../common/ContactVerification';

export function EmailFlow({ person, onDone }: FlowProps) {
  const api = useApi();
  const { t } = useI18n();
  const [address, setAddress] = useState('');
  const [inPerson, setInPerson] = useState(false);
  const [options, setOptions] = useState<ContactOptions | null>(null);
  const enrollment = useContactEnrollment<EmailVerification>(
    {
      complete: (enrollmentId, code) => api.enrollment.emailComplete({ enrollmentId, code }),
      confirmInPerson: (enrollmentId) => api.enrollment.emailConfirmInPerson({ enrollmentId }),
      cancel: (enrollmentId) => void api.enrollment.emailCancel({ enrollmentId }),
    },
    onDone,
  );
  const { stage, started, busy, error } = enrollment;

  useEffect(() => {
    let live = true;
    void loadContactOptions(api).then((o) => {
      if (live) setOptions(o);
    });
    return () => {
      live = false;
    };
  }, [api]);

  if (!options) return <Loading />;

  const begin = () =>
    enrollment.begin(() =>
      api.enrollment.emailBegin({
        personId: person.id,
        address: address.trim(),
        delivery: inPerson ? 'inPerson' : 'gateway',
      }),
    );

  if (stage === 'code' && started) {
    return (
      <ContactCodeStep
        method="email"
        enrollment={enrollment}
        options={options}
        heading={t('email.code.heading')}
        sent={t('email.code.sent', { address: started.address })}
        saved={t('email.code.saved', { address: started.address })}
        sentTestId="email-sent"
        inPerson={t('email.code.inPerson', { address: started.address })}
        staffBody={t('enroll.staff.bodyEmail', { address: started.address })}
      />
    );
  }

  if (stage === 'done') {
    return (
      <FlowDoneStep
        testId="email-step-done"
        title={t('email.success.heading')}
        onDone={enrollment.report}
      >
        <p>{t('email.success.body', { address: started?.address ?? '' })}</p>
      </FlowDoneStep>
    );
  }

  return (
    <FlowStep
      testId="email-step-address"
      title={t('email.address.heading')}
      onSubmit={() => void begin()}
      actions={<FlowActions onDone={onDone} busy={busy} submit={t('common.next')} />}
    >
      <p>{t('email.address.body')}</p>
      <TextField
        label={t('email.address.label')}
        value={address}
        type="email"
        autoComplete="email"
        maxLength={254}
        onChange={(e) => setAddress(e.target.value)}
      />
      <InPersonOption options={options} checked={inPerson} onChange={setInPerson} />
      <FlowError error={error} />
    </FlowStep>
  );
}
