/**
 * "Provision keys" (docs/PROVISIONING.md "In the operator console"): import the provider's
 * creation options, choose people with a ready challenge, set the PIN options, start the run;
 * every key plugged in takes the next person, the live board shows each key's person, step,
 * touch prompt and result; at the end the PIN slips are handed over once.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type {
  BoardView,
  ContractError,
  OptionsImportView,
  ReadyPersonView,
} from '../../../../../preload/contract';
import { useApi, useCall } from '../../../api/ApiProvider';
import { Button, Notice } from '../../../components';
import { useI18n } from '../../../i18n/I18nProvider';
import { useErrorText } from '../access';
import { ConsoleLayout } from '../ConsoleLayout';
import { downloadFile, fileDate } from '../download';
import { ProvisionBoard } from './ProvisionBoard';
import { SlipsPanel } from './SlipsPanel';
import './provision.css';

function ImportOptions({ onImported }: { onImported: () => void }) {
  const api = useApi();
  const { t, tDynamic } = useI18n();
  const errorText = useErrorText();
  const [result, setResult] = useState<OptionsImportView | null>(null);
  const [error, setError] = useState<ContractError | null>(null);

  async function importText(text: string) {
    setError(null);
    setResult(null);
    const r = await api.provisioning.importOptions({ text });
    if (r.ok) {
      setResult(r.value);
      onImported();
    } else setError(r.error);
  }

  return (
    <section aria-labelledby="ks-prov-import" className="ks-prov-section">
      <h2 id="ks-prov-import" className="ks-section-title">
        {t('operator.provision.importTitle')}
      </h2>
      <p className="ks-muted">{t('operator.provision.importIntro')}</p>
      <div className="ks-field">
        <label className="ks-field__label" htmlFor="ks-prov-file">
          {t('operator.provision.file')}
        </label>
        <input
          id="ks-prov-file"
          type="file"
          accept=".json,.jsonl,.csv,application/json,text/csv"
          data-testid="options-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void file.text().then(importText);
            e.target.value = '';
          }}
        />
      </div>
      {error ? (
        <p className="ks-field__error" role="alert">
          {errorText(error)}
        </p>
      ) : null}
      {result ? (
        <div aria-live="polite">
          <Notice tone={result.errors.length ? 'warning' : 'success'}>
            <span data-testid="options-result">
              {t('operator.provision.importResult', {
                imported: result.imported,
                unchanged: result.unchanged,
                errors: result.errors.length,
              })}
            </span>
          </Notice>
          {result.errors.length ? (
            <table className="ks-op-table" data-testid="options-errors">
              <caption>
                {t('operator.provision.rowErrorsTitle', { count: result.errors.length })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('roster.line')}</th>
                  <th scope="col">{t('roster.problem')}</th>
                </tr>
              </thead>
              <tbody>
                {result.errors.map((e, i) => (
                  <tr key={`${e.row}-${i}`}>
                    <td>{e.row}</td>
                    <td>
                      {tDynamic(`operator.provision.rowErrors.${e.problem}`, e.problem, {
                        row: e.row,
                      })}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function ChoosePeople({
  people,
  selected,
  setSelected,
}: {
  people: ReadyPersonView[];
  selected: Set<string>;
  setSelected: (s: Set<string>) => void;
}) {
  const { t, formatDateTime } = useI18n();
  const [query, setQuery] = useState('');
  const [department, setDepartment] = useState('');
  const departments = useMemo(
    () => [...new Set(people.map((p) => p.department).filter(Boolean))].sort(),
    [people],
  );
  const q = query.trim().toLowerCase();
  const shown = people.filter(
    (p) =>
      (!department || p.department === department) &&
      (!q || p.displayName.toLowerCase().includes(q) || p.upn.toLowerCase().includes(q)),
  );
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };
  return (
    <>
      <div className="ks-op-filters" role="search">
        <div className="ks-field">
          <label className="ks-field__label" htmlFor="ks-prov-search">
            {t('operator.roster.search')}
          </label>
          <input
            id="ks-prov-search"
            className="ks-field__input"
            type="search"
            value={query}
            maxLength={200}
            autoComplete="off"
            onChange={(e) => setQuery(e.target.value)}
          />
        </div>
        <label className="ks-select">
          <span className="ks-select__label">{t('operator.roster.department')}</span>
          <select value={department} onChange={(e) => setDepartment(e.target.value)}>
            <option value="">{t('operator.roster.allDepartments')}</option>
            {departments.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <Button
          onClick={() => setSelected(new Set([...selected, ...shown.map((p) => p.personId)]))}
          data-testid="select-shown"
        >
          {t('operator.provision.selectShown', { count: shown.length })}
        </Button>
        <Button onClick={() => setSelected(new Set())}>{t('operator.provision.clear')}</Button>
      </div>
      <table className="ks-op-table" data-testid="ready-people">
        <caption className="ks-muted">
          {t('operator.provision.readyCount', { count: people.length })}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('operator.provision.choose')}</th>
            <th scope="col">{t('operator.roster.displayName')}</th>
            <th scope="col">{t('operator.roster.upn')}</th>
            <th scope="col">{t('operator.roster.department')}</th>
            <th scope="col">{t('operator.provision.challenge')}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((p) => (
            <tr key={p.personId}>
              <td>
                <input
                  type="checkbox"
                  aria-label={t('operator.provision.chooseOne', { name: p.displayName })}
                  checked={selected.has(p.personId)}
                  onChange={(e) => toggle(p.personId, e.target.checked)}
                />
              </td>
              <th scope="row">{p.displayName}</th>
              <td>{p.upn}</td>
              <td>{p.department}</td>
              <td>{t('operator.provision.readyUntil', { time: formatDateTime(p.expiresAt) })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function StartRun({
  people,
  onStarted,
}: {
  people: ReadyPersonView[];
  onStarted: (b: BoardView) => void;
}) {
  const api = useApi();
  const { t } = useI18n();
  const errorText = useErrorText();
  const [who, setWho] = useState<'all' | 'selected'>('all');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [pinLength, setPinLength] = useState(6);
  const [setMin, setSetMin] = useState(true);
  const [forceChange, setForceChange] = useState(true);
  const [resetWanted, setResetWanted] = useState(false);
  const [resetConfirmed, setResetConfirmed] = useState(false);
  const [error, setError] = useState<ContractError | null>(null);
  const count = who === 'all' ? people.length : selected.size;

  async function start() {
    setError(null);
    const r = await api.provisioning.start({
      personIds: who === 'all' ? null : [...selected],
      settings: {
        pinLength,
        setMinPinLength: setMin,
        forcePinChange: forceChange,
        resetConfirmed: resetWanted && resetConfirmed,
      },
    });
    if (r.ok) onStarted(r.value);
    else setError(r.error);
  }

  return (
    <>
      <section aria-labelledby="ks-prov-people" className="ks-prov-section">
        <h2 id="ks-prov-people" className="ks-section-title">
          {t('operator.provision.peopleTitle')}
        </h2>
        {people.length === 0 ? (
          <p className="ks-empty" data-testid="nobody-ready">
            {t('operator.provision.nobodyReady')}
          </p>
        ) : (
          <>
            <fieldset className="ks-prov-who">
              <legend>{t('operator.provision.who')}</legend>
              <label className="ks-flow-check">
                <input
                  type="radio"
                  name="who"
                  checked={who === 'all'}
                  onChange={() => setWho('all')}
                />
                {t('operator.provision.whoAll', { count: people.length })}
              </label>
              <label className="ks-flow-check">
                <input
                  type="radio"
                  name="who"
                  checked={who === 'selected'}
                  onChange={() => setWho('selected')}
                  data-testid="who-selected"
                />
                {t('operator.provision.whoSelected', { count: selected.size })}
              </label>
            </fieldset>
            {who === 'selected' ? (
              <ChoosePeople people={people} selected={selected} setSelected={setSelected} />
            ) : null}
          </>
        )}
      </section>
      <section aria-labelledby="ks-prov-options" className="ks-prov-section">
        <h2 id="ks-prov-options" className="ks-section-title">
          {t('operator.provision.optionsTitle')}
        </h2>
        <p className="ks-muted">{t('operator.provision.pinRandom')}</p>
        <div className="ks-field">
          <label className="ks-field__label" htmlFor="ks-prov-pin-length">
            {t('operator.provision.pinLength')}
          </label>
          <input
            id="ks-prov-pin-length"
            className="ks-field__input ks-prov-number"
            type="number"
            min={4}
            max={63}
            value={pinLength}
            onChange={(e) => setPinLength(Math.min(63, Math.max(4, Number(e.target.value) || 4)))}
          />
        </div>
        <label className="ks-flow-check">
          <input type="checkbox" checked={setMin} onChange={(e) => setSetMin(e.target.checked)} />
          {t('operator.provision.setMinPinLength')}
        </label>
        <label className="ks-flow-check">
          <input
            type="checkbox"
            checked={forceChange}
            onChange={(e) => setForceChange(e.target.checked)}
          />
          {t('operator.provision.forcePinChange')}
        </label>
        <label className="ks-flow-check">
          <input
            type="checkbox"
            checked={resetWanted}
            data-testid="reset-wanted"
            onChange={(e) => {
              setResetWanted(e.target.checked);
              setResetConfirmed(false);
            }}
          />
          {t('operator.provision.reset')}
        </label>
        {resetWanted && !resetConfirmed ? (
          <Notice tone="warning">
            <span>{t('operator.provision.resetWarning')}</span>{' '}
            <Button
              variant="danger"
              onClick={() => setResetConfirmed(true)}
              data-testid="reset-confirm"
            >
              {t('operator.provision.resetConfirm')}
            </Button>
          </Notice>
        ) : null}
        {resetWanted && resetConfirmed ? (
          <p data-testid="reset-confirmed">{t('operator.provision.resetConfirmed')}</p>
        ) : null}
      </section>
      {error ? (
        <p className="ks-field__error" role="alert">
          {errorText(error)}
        </p>
      ) : null}
      <Button
        variant="primary"
        unavailable={count === 0 || (resetWanted && !resetConfirmed)}
        onClick={() => void start()}
        data-testid="start-run"
      >
        {t('operator.provision.start', { count })}
      </Button>
    </>
  );
}

export function ProvisionPage() {
  const api = useApi();
  const { t } = useI18n();
  const errorText = useErrorText();
  const [board, setBoard] = useState<BoardView | null>(null);
  const [error, setError] = useState<ContractError | null>(null);
  const ready = useCall((a) => a.provisioning.ready({}), []);
  const { state: info } = useCall((a) => a.station.info({}), []);
  const demo = info.status === 'ok' && info.value.mode === 'demo';
  const inFlight = useRef(false);
  const again = useRef(false);

  // One board read at a time; a change during a read reads once more after it.
  const refresh = useCallback(async () => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    try {
      do {
        again.current = false;
        const r = await api.provisioning.board({});
        if (r.ok) setBoard(r.value);
        else setError(r.error);
      } while (again.current);
    } finally {
      inFlight.current = false;
    }
  }, [api]);

  useEffect(() => {
    void refresh();
    return api.events.subscribe('provisioning.changed', () => void refresh());
  }, [api, refresh]);

  const run = board?.run ?? null;
  const running = run !== null && run.state !== 'finished';

  async function resume() {
    const r = await api.provisioning.resume({});
    if (r.ok) setBoard(r.value);
    else setError(r.error);
  }

  async function registrations() {
    const r = await api.provisioning.registrations({});
    if (r.ok)
      downloadFile(r.value.jsonl, `registrations-${fileDate()}.jsonl`, 'application/x-ndjson');
    else setError(r.error);
  }

  return (
    <ConsoleLayout title={t('operator.provision.title')} current="/operator/provision">
      <p className="ks-lead">{t('operator.provision.lead')}</p>
      {error ? (
        <p className="ks-field__error" role="alert">
          {errorText(error)}
        </p>
      ) : null}
      {board?.interrupted && !running ? (
        <Notice tone="warning">
          <span>{t('operator.provision.interrupted', { count: board.interrupted.left })}</span>{' '}
          <Button onClick={() => void resume()}>{t('operator.provision.resume')}</Button>
        </Notice>
      ) : null}
      {run ? (
        <ProvisionBoard run={run} resetWindowSeconds={board?.resetWindowSeconds ?? 10} demo={demo}>
          {run.state === 'finished' ? (
            <>
              <SlipsPanel run={run} onTaken={() => void refresh()} />
              <div className="ks-toolbar">
                <Button onClick={() => void registrations()} data-testid="download-registrations">
                  {t('operator.provision.registrations', { count: run.counts.done })}
                </Button>
              </div>
            </>
          ) : null}
        </ProvisionBoard>
      ) : null}
      {!running ? (
        <>
          <ImportOptions onImported={ready.reload} />
          {ready.state.status === 'ok' ? (
            <StartRun
              key={run?.jobId ?? 'first'}
              people={ready.state.value.people}
              onStarted={(b) => setBoard(b)}
            />
          ) : null}
        </>
      ) : null}
    </ConsoleLayout>
  );
}
