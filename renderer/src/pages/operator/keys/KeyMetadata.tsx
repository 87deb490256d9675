/**
 * FIDO metadata (docs/KEYS.md "Key manager"): the operator imports an MDS3 BLOB, verified
 * against the root certificate they give or the FIDO Alliance's; models it reports as revoked
 * or compromised are flagged here and refused for enrollment.
 */
import { useCallback, useEffect, useState } from 'react';
import type {
  ContractError,
  KeyMetadataView,
  MetadataImportResult,
} from '../../../../../preload/contract';
import { useApi } from '../../../api/ApiProvider';
import { Button, Notice } from '../../../components';
import { useI18n } from '../../../i18n/I18nProvider';
import { useKeyError } from './keyOperation';

const FAILURES = ['format', 'root', 'chain', 'signature', 'older'] as const;

export function KeyMetadata({ onImported }: { onImported(): void }) {
  const api = useApi();
  const { t } = useI18n();
  const keyError = useKeyError();
  const [view, setView] = useState<KeyMetadataView | null>(null);
  const [blob, setBlob] = useState<{ name: string; text: string } | null>(null);
  const [root, setRoot] = useState<{ name: string; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<MetadataImportResult | null>(null);
  const [error, setError] = useState<ContractError | null>(null);

  const load = useCallback(async () => {
    const r = await api.keyManager.metadata({});
    if (r.ok) setView(r.value);
    else setError(r.error);
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  async function importBlob() {
    if (!blob) return;
    setBusy(true);
    setError(null);
    setResult(null);
    const r = await api.keyManager.importMetadata({
      blob: blob.text,
      ...(root ? { rootPem: root.text } : {}),
    });
    setBusy(false);
    if (r.ok) {
      setResult(r.value);
      await load();
      onImported();
    } else setError(r.error);
  }

  const failure = (e: ContractError): string => {
    const detail = String(e.params?.detail ?? '');
    return e.code === 'securityKey.mdsInvalid' && (FAILURES as readonly string[]).includes(detail)
      ? t(`operator.keys.metadata.failed.${detail as (typeof FAILURES)[number]}`)
      : keyError(e);
  };

  const readFile =
    (set: (v: { name: string; text: string } | null) => void) =>
    (e: React.ChangeEvent<HTMLInputElement>) => {
      const file = e.target.files?.[0];
      setResult(null);
      setError(null);
      if (!file) return set(null);
      void file.text().then((text) => set({ name: file.name, text }));
    };

  return (
    <section
      className="ks-key-section ks-key-metadata"
      aria-labelledby="ks-key-metadata"
      data-testid="key-metadata"
    >
      <h2 id="ks-key-metadata" className="ks-section-title">
        {t('operator.keys.metadata.title')}
      </h2>
      <p>{t('operator.keys.metadata.lead')}</p>
      {view ? (
        <p data-testid="metadata-state">
          {view.imported
            ? t('operator.keys.metadata.state', {
                serial: view.serial ?? 0,
                entries: view.entries,
                nextUpdate: view.nextUpdate ?? '',
              })
            : t('operator.keys.metadata.none')}
        </p>
      ) : null}
      {view?.stale ? <Notice tone="warning">{t('operator.keys.metadata.stale')}</Notice> : null}
      {view && view.flagged.length > 0 ? (
        <div data-testid="metadata-flagged">
          <p>{t('operator.keys.metadata.flagged')}</p>
          <ul>
            {view.flagged.map((f) => (
              <li key={f.aaguid}>
                {f.name} — {f.status} <span className="ks-key-muted">({f.aaguid})</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="ks-field">
        <label className="ks-field__label" htmlFor="ks-metadata-blob">
          {t('operator.keys.metadata.blob')}
        </label>
        <input
          id="ks-metadata-blob"
          type="file"
          accept=".jwt,.blob,application/jwt,text/plain"
          onChange={readFile(setBlob)}
          data-testid="metadata-blob"
        />
      </div>
      <div className="ks-field">
        <label className="ks-field__label" htmlFor="ks-metadata-root">
          {t('operator.keys.metadata.root')}
        </label>
        <p className="ks-field__hint">{t('operator.keys.metadata.rootHint')}</p>
        <input
          id="ks-metadata-root"
          type="file"
          accept=".pem,.crt,.cer,application/x-pem-file"
          onChange={readFile(setRoot)}
          data-testid="metadata-root"
        />
      </div>
      <Button
        onClick={() => void importBlob()}
        unavailable={!blob || busy}
        data-testid="metadata-import"
      >
        {t('operator.keys.metadata.import')}
      </Button>
      {result ? (
        <Notice tone="success">
          <span data-testid="metadata-result">
            {t('operator.keys.metadata.imported', {
              entries: result.entries,
              compromised: result.compromised,
            })}
          </span>
        </Notice>
      ) : null}
      {error ? (
        <p className="ks-field__error" role="alert" data-testid="metadata-error">
          {failure(error)}
        </p>
      ) : null}
    </section>
  );
}
