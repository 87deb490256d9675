/**
 * Where the audit log's signed checkpoints go (docs/SECURITY-REVIEW.md "Audit truncation and
 * rollback"): the directory in use, and an admin's choice of another (a full path outside the
 * data directory; the station writes a checkpoint there before it keeps the choice).
 */
import { useState, type FormEvent } from 'react';
import { useApi, useCall } from '../../api/ApiProvider';
import { Button, TextField, useToasts } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { useErrorText } from './access';

export function AuditAnchorPanel() {
  const api = useApi();
  const { t } = useI18n();
  const { show } = useToasts();
  const errorText = useErrorText();
  const { state, reload } = useCall((a) => a.audit.anchor({}), []);
  const [dir, setDir] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function save(next: string | null) {
    if (busy) return;
    setBusy(true);
    setError(null);
    const r = await api.audit.setAnchor({ dir: next });
    setBusy(false);
    if (r.ok) {
      setDir('');
      show(next ? t('audit.anchor.saved') : t('audit.anchor.removed'), 'success');
      reload();
    } else setError(errorText(r.error));
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (dir.trim()) void save(dir.trim());
  }

  if (state.status !== 'ok') return null;
  const view = state.value;
  return (
    <section aria-labelledby="audit-anchor-title" data-testid="audit-anchor">
      <h2 className="ks-section-title" id="audit-anchor-title">
        {t('audit.anchor.title')}
      </h2>
      <p className="ks-muted">{t('audit.anchor.explanation')}</p>
      <p data-testid="audit-anchor-current">
        {view.dir
          ? t('audit.anchor.current', { dir: view.dir, seq: view.checkpointSeq ?? 0 })
          : t('audit.anchor.none')}
      </p>
      {view.fromCommandLine ? (
        <p className="ks-muted">{t('audit.anchor.fromCommandLine')}</p>
      ) : (
        <form className="ks-op-form" onSubmit={submit} aria-busy={busy}>
          <TextField
            label={t('audit.anchor.dir')}
            hint={t('audit.anchor.dirHint')}
            value={dir}
            spellCheck={false}
            autoComplete="off"
            maxLength={4096}
            error={error}
            onChange={(e) => setDir(e.target.value)}
          />
          <Button type="submit" disabled={busy}>
            {t('audit.anchor.save')}
          </Button>
          {view.dir ? (
            <Button variant="link" disabled={busy} onClick={() => void save(null)}>
              {t('audit.anchor.remove')}
            </Button>
          ) : null}
        </form>
      )}
    </section>
  );
}
