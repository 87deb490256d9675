/** Passkeys on the key, each with the person and method the registry knows it as. */
import { useState } from 'react';
import type { KeyCredentialItem } from '../../../../../preload/contract';
import { useApi } from '../../../api/ApiProvider';
import { Button, TextField } from '../../../components';
import { useI18n } from '../../../i18n/I18nProvider';
import type { KeySectionProps } from './KeyDetails';
import { useOutcome } from './KeySettings';

export function KeyCredentials({ deviceId, overview: o, pin, onChanged }: KeySectionProps) {
  const api = useApi();
  const { t } = useI18n();
  const outcome = useOutcome();
  const [list, setList] = useState<KeyCredentialItem[] | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [editing, setEditing] = useState<KeyCredentialItem | null>(null);
  const [displayName, setDisplayName] = useState('');
  const keyPin = pin || undefined;

  async function load() {
    await outcome.track(api.keyManager.credentials({ deviceId, pin: keyPin }), '', (v) =>
      setList(v.credentials),
    );
  }

  if (o.credentialManagement === 'none')
    return (
      <section className="ks-key-section" aria-labelledby="ks-key-creds">
        <h3 id="ks-key-creds">{t('operator.keys.credentials')}</h3>
        <p className="ks-muted">{t('operator.keys.noCredentialManagement')}</p>
      </section>
    );

  return (
    <section className="ks-key-section" aria-labelledby="ks-key-creds">
      <h3 id="ks-key-creds">{t('operator.keys.credentials')}</h3>
      <Button onClick={() => void load()} data-testid="show-credentials">
        {t('operator.keys.showCredentials')}
      </Button>
      {list ? (
        list.length === 0 ? (
          <p data-testid="credentials-empty">{t('operator.keys.noCredentials')}</p>
        ) : (
          <ul className="ks-key-creds" data-testid="credentials">
            {list.map((c) => (
              <li key={c.credentialId}>
                <strong>{c.rpId}</strong> · {c.userDisplayName ?? c.userName ?? '—'}
                <br />
                <span data-testid="credential-owner">
                  {c.owner
                    ? t('operator.keys.owner', {
                        person: c.owner.displayName,
                        upn: c.owner.upn,
                        method: c.owner.methodLabel,
                      })
                    : t('operator.keys.unknownOwner')}
                </span>
                <div className="ks-key-actions">
                  {o.credentialManagement === 'ctap21' ? (
                    <Button
                      onClick={() => {
                        setEditing(c);
                        setDisplayName(c.userDisplayName ?? '');
                      }}
                    >
                      {t('operator.keys.updateUser')}
                    </Button>
                  ) : null}
                  {confirming === c.credentialId ? (
                    <>
                      <span>{t('operator.keys.deleteConfirm')}</span>
                      <Button
                        variant="danger"
                        onClick={async () => {
                          setConfirming(null);
                          const r = await outcome.track(
                            api.keyManager.deleteCredential({
                              deviceId,
                              pin: keyPin,
                              credentialId: c.credentialId,
                            }),
                            t('operator.keys.deleted'),
                          );
                          if (r.ok) {
                            setList(
                              (l) => l?.filter((x) => x.credentialId !== c.credentialId) ?? null,
                            );
                            onChanged();
                          }
                        }}
                      >
                        {t('operator.keys.deleteYes')}
                      </Button>
                      <Button onClick={() => setConfirming(null)}>{t('common.cancel')}</Button>
                    </>
                  ) : (
                    <Button onClick={() => setConfirming(c.credentialId)}>
                      {t('operator.keys.delete')}
                    </Button>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )
      ) : null}
      {editing ? (
        <form
          className="ks-key-inline"
          onSubmit={async (e) => {
            e.preventDefault();
            const r = await outcome.track(
              api.keyManager.updateUser({
                deviceId,
                pin: keyPin,
                credentialId: editing.credentialId,
                userId: editing.userId,
                name: editing.userName ?? '',
                displayName,
              }),
              t('operator.keys.userUpdated'),
            );
            if (r.ok) {
              setEditing(null);
              void load();
            }
          }}
        >
          <TextField
            label={t('operator.keys.displayName')}
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
          />
          <Button type="submit">{t('operator.keys.save')}</Button>
        </form>
      ) : null}
      {outcome.view}
    </section>
  );
}
