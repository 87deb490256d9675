/**
 * Getting data out (DESIGN.md §6): the methods report CSV, the WebAuthn registration JSON of every
 * security key in the roster, and a verified backup of the registry that the station writes to
 * its own `backups/` folder (the renderer never names a path). Files are saved in the renderer.
 */
import { useState } from 'react';
import type { BackupReport } from '../../../../preload/contract/roster';
import { useApi } from '../../api/ApiProvider';
import { Button, useToasts } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { useErrorText } from './access';
import { ConsoleLayout } from './ConsoleLayout';
import { downloadFile, downloadJson, fileDate } from './download';

function BackupResult({ report }: { report: BackupReport }) {
  const { t, formatNumber, formatDateTime } = useI18n();
  const ok = report.integrityOk && report.auditOk;
  return (
    <div
      className={`ks-notice ${ok ? 'ks-notice--success' : 'ks-notice--error'}`}
      role="status"
      data-testid="backup-result"
    >
      <p className="ks-notice__title">
        {ok ? t('operator.export.backup.verified') : t('operator.export.backup.notVerified')}
      </p>
      <dl className="ks-op-export__facts">
        <dt>{t('operator.export.backup.file')}</dt>
        <dd data-testid="backup-file">{report.fileName}</dd>
        <dt>{t('operator.export.backup.when')}</dt>
        <dd>{formatDateTime(report.createdAt)}</dd>
        <dt>{t('operator.export.backup.size')}</dt>
        <dd>{t('operator.export.backup.bytes', { bytes: formatNumber(report.bytes) })}</dd>
        <dt>{t('operator.export.backup.integrity')}</dt>
        <dd data-testid="backup-integrity">
          {report.integrityOk ? t('operator.export.backup.ok') : t('operator.export.backup.failed')}
        </dd>
        <dt>{t('operator.export.backup.auditChain')}</dt>
        <dd>
          {report.auditOk ? t('operator.export.backup.ok') : t('operator.export.backup.failed')}
        </dd>
        <dt>{t('operator.export.backup.sha256')}</dt>
        <dd className="ks-op-export__hash" data-testid="backup-sha256">
          {report.sha256}
        </dd>
        <dt>{t('operator.export.backup.contents')}</dt>
        <dd>
          {t('operator.export.backup.counts', {
            people: formatNumber(report.people),
            methods: formatNumber(report.methods),
          })}
        </dd>
      </dl>
      <Button
        onClick={() =>
          downloadJson(
            { format: 'keystation.backup-verification.v1', ...report },
            `${report.fileName.replace(/\.sqlite$/, '')}-verification.json`,
          )
        }
      >
        {t('operator.export.backup.downloadResult')}
      </Button>
    </div>
  );
}

export function ExportPage() {
  const api = useApi();
  const { t } = useI18n();
  const { show } = useToasts();
  const errorText = useErrorText();
  const [busy, setBusy] = useState<null | 'report' | 'webauthn' | 'backup'>(null);
  const [keys, setKeys] = useState<number | null>(null);
  const [backup, setBackup] = useState<BackupReport | null>(null);

  async function report() {
    setBusy('report');
    const r = await api.roster.exportReport({});
    setBusy(null);
    if (r.ok)
      downloadFile(r.value.csv, `keystation-report-${fileDate()}.csv`, 'text/csv;charset=utf-8');
    else show(errorText(r.error), 'error');
  }

  async function webAuthn() {
    setBusy('webauthn');
    const r = await api.roster.exportWebAuthn({});
    setBusy(null);
    if (!r.ok) {
      show(errorText(r.error), 'error');
      return;
    }
    setKeys(r.value.keys.length);
    downloadJson(r.value, `keystation-webauthn-roster-${fileDate(r.value.exportedAt)}.json`);
  }

  async function runBackup() {
    setBusy('backup');
    setBackup(null);
    const r = await api.roster.backup({});
    setBusy(null);
    if (r.ok) setBackup(r.value);
    else show(errorText(r.error), 'error');
  }

  return (
    <ConsoleLayout title={t('operator.export.title')} current="/operator/export">
      <p className="ks-lead">{t('operator.export.lead')}</p>
      <section className="ks-op-export__section" aria-labelledby="export-report">
        <h2 id="export-report">{t('operator.export.report.title')}</h2>
        <p>{t('operator.export.report.text')}</p>
        <Button unavailable={busy !== null} onClick={() => void report()}>
          {t('operator.export.report.download')}
        </Button>
      </section>
      <section className="ks-op-export__section" aria-labelledby="export-webauthn">
        <h2 id="export-webauthn">{t('operator.export.webauthn.title')}</h2>
        <p>{t('operator.export.webauthn.text')}</p>
        <Button unavailable={busy !== null} onClick={() => void webAuthn()}>
          {t('operator.export.webauthn.download')}
        </Button>
        {keys !== null ? (
          <p role="status" data-testid="webauthn-exported">
            {t('operator.export.webauthn.done', { count: keys })}
          </p>
        ) : null}
      </section>
      <section className="ks-op-export__section" aria-labelledby="export-backup">
        <h2 id="export-backup">{t('operator.export.backup.title')}</h2>
        <p>{t('operator.export.backup.text')}</p>
        <Button variant="primary" unavailable={busy !== null} onClick={() => void runBackup()}>
          {busy === 'backup'
            ? t('operator.export.backup.running')
            : t('operator.export.backup.run')}
        </Button>
        {backup ? <BackupResult report={backup} /> : null}
      </section>
    </ConsoleLayout>
  );
}
