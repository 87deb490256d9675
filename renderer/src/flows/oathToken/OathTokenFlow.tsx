/**
 * OATH hardware token (DESIGN.md §1): an administrator imported the token for this person;
 * they type its serial number and the code it shows now → done. Counts with authenticator apps
 * toward the limit of five.
 */
import { useEffect, useState } from 'react';
import type { MethodSummary, OathTokenChoice } from '../../../../preload/contract';
import { useApi } from '../../api/ApiProvider';
import {
  cleanCode,
  CodeField,
  FlowActions,
  FlowDoneStep,
  FlowError,
  FlowStep,
} from '../../components/FlowParts';
import { Notice } from '../../components/Status';
import { TextField } from '../../components/TextField';
import { useI18n } from '../../i18n/I18nProvider';
import type { FlowProps } from '../index';
import { useEnrollmentCall, useFlowCompletion } from '../common/useEnrollment';

export function OathTokenFlow({ person, onDone }: FlowProps) {
  const api = useApi();
  const { t } = useI18n();
  const [serial, setSerial] = useState('');
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [available, setAvailable] = useState<OathTokenChoice[] | null>(null);
  const { busy, error, setError, run } = useEnrollmentCall();
  const completion = useFlowCompletion(onDone);
  const [added, setAdded] = useState<MethodSummary | null>(null);

  useEffect(() => {
    let live = true;
    void api.enrollment.tokensAvailable({ personId: person.id }).then((r) => {
      if (!live || !r.ok) return;
      setAvailable(r.value);
      // One token waiting for this person: its serial is the likely one (still editable).
      if (r.value.length === 1) setSerial((typed) => typed || r.value[0].serial);
    });
    return () => {
      live = false;
    };
  }, [api, person.id]);

  const activate = async () => {
    if (serial.trim() === '') return setError({ kind: 'station', code: 'oath.tokenNotFound' });
    const r = await run(() =>
      api.enrollment.tokenActivate({
        personId: person.id,
        serial: serial.trim(),
        code: cleanCode(code),
        ...(name.trim() ? { name: name.trim() } : {}),
      }),
    );
    setCode('');
    if (!r.ok) return;
    completion.added();
    setAdded(r.value);
  };

  if (added) {
    return (
      <FlowDoneStep
        testId="oath-step-done"
        title={t('oath.success.heading')}
        onDone={completion.report}
      >
        <p>{t('oath.success.body', { serial: added.detail })}</p>
        {added.isDefault ? <p>{t('enroll.nowDefault')}</p> : null}
      </FlowDoneStep>
    );
  }

  return (
    <FlowStep
      testId="oath-step-activate"
      title={t('oath.heading')}
      onSubmit={() => void activate()}
      actions={<FlowActions onDone={onDone} busy={busy} submit={t('oath.activate')} />}
    >
      <p>{t('oath.body')}</p>
      {/* Said up front: without a token imported for the person, activating can only fail. */}
      {available?.length === 0 ? (
        <Notice tone="warning">
          <p data-testid="oath-none-waiting">{t('oath.noneWaiting')}</p>
        </Notice>
      ) : null}
      {available && available.length > 0 ? (
        <p className="ks-muted" data-testid="oath-available">
          {t('oath.available', {
            serials: available.map((a) => `${a.serial} (${a.manufacturer} ${a.model})`).join(', '),
          })}
        </p>
      ) : null}
      <TextField
        label={t('oath.serial')}
        value={serial}
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        maxLength={64}
        onChange={(e) => setSerial(e.target.value)}
      />
      <CodeField label={t('oath.code')} value={code} onChange={setCode} />
      <TextField
        label={t('oath.name.label')}
        hint={t('oath.name.hint')}
        value={name}
        maxLength={64}
        autoComplete="off"
        onChange={(e) => setName(e.target.value)}
      />
      <FlowError error={error} />
    </FlowStep>
  );
}
