import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import type { ContractError, Language } from '../../../preload/contract';
import { useApi } from '../api/ApiProvider';
import {
  detectLanguage,
  errorMessage,
  translate,
  translateDynamic,
  type MessageKey,
  type MessageParams,
} from './translate';

export interface I18n {
  language: Language;
  /** The stored choice; null follows the OS / browser locale. */
  chosen: Language | null;
  setLanguage(language: Language | null): void;
  t(key: MessageKey, params?: MessageParams): string;
  /** For keys built at run time (method kinds, requirement codes); falls back to `fallback`. */
  tDynamic(key: string, fallback: string, params?: MessageParams): string;
  error(error: ContractError): string;
  formatDate(iso: string): string;
  formatDateTime(iso: string): string;
  formatNumber(n: number): string;
}

const I18nContext = createContext<I18n | null>(null);

function systemLanguage(): Language {
  return detectLanguage(navigator.languages?.length ? navigator.languages : [navigator.language]);
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const [chosen, setChosen] = useState<Language | null>(null);
  // Once the person picks a language, the stored setting (which may still be on its way) must
  // not overwrite that choice.
  const pickedHere = useRef(false);

  useEffect(() => {
    let live = true;
    void api.settings.get({}).then((r) => {
      if (live && r.ok && !pickedHere.current) setChosen(r.value.language);
    });
    return () => {
      live = false;
    };
  }, [api]);

  const language = chosen ?? systemLanguage();

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const setLanguage = useCallback(
    (next: Language | null) => {
      pickedHere.current = true;
      setChosen(next);
      void api.settings.update({ language: next });
    },
    [api],
  );

  const value = useMemo<I18n>(() => {
    // Made on first use: building ICU formatters costs tens of milliseconds, and the first
    // screen (and most screens) never format a date.
    const locale = language === 'sv' ? 'sv-SE' : 'en-GB';
    const once = <F,>(make: () => F): (() => F) => {
      let made: F | undefined;
      return () => (made ??= make());
    };
    const dateFormat = once(() => new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }));
    const dateTimeFormat = once(
      () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }),
    );
    const numberFormat = once(() => new Intl.NumberFormat(locale));
    const safe = (format: () => Intl.DateTimeFormat, iso: string) => {
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? '' : format().format(d);
    };
    return {
      language,
      chosen,
      setLanguage,
      t: (key, params) => translate(language, key, params),
      tDynamic: (key, fallback, params) => translateDynamic(language, key, params) ?? fallback,
      error: (e) => errorMessage(language, e),
      formatDate: (iso) => safe(dateFormat, iso),
      formatDateTime: (iso) => safe(dateTimeFormat, iso),
      formatNumber: (n) => numberFormat().format(n),
    };
  }, [language, chosen, setLanguage]);

  // The first date a page shows would otherwise wait for ICU's locale data (tens of ms): load
  // it while the first screen waits for the station (a later idle moment may be mid-step).
  useEffect(() => {
    const id = setTimeout(() => {
      value.formatDateTime(new Date(0).toISOString());
      value.formatDate(new Date(0).toISOString());
      value.formatNumber(1);
    }, 0);
    return () => clearTimeout(id);
  }, [value]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
