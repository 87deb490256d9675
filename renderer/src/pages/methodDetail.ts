/** How a method is described on the Security info page, in dialogs and on the wizard's last page. */
import type { MethodKind, MethodSummary } from '../../../preload/contract';
import type { I18n } from '../i18n/I18nProvider';

/** The detail column: key name + model, masked phone / email, token serial, question count. */
export function methodDetail(
  m: MethodSummary,
  t: I18n['t'],
  opts: { virtualBadgeShown?: boolean } = {},
): string {
  if (m.securityKey) {
    if (m.securityKey.isVirtual) {
      // The table marks the virtual key with a badge; in running text it is said in words.
      return opts.virtualBadgeShown
        ? m.securityKey.name
        : `${m.securityKey.name}, ${t('securityInfo.virtualKey')}`;
    }
    const model = m.securityKey.model;
    return model && model !== m.securityKey.name
      ? `${m.securityKey.name} (${model})`
      : m.securityKey.name;
  }
  if (m.kind === 'securityQuestions' && /^\d+$/.test(m.detail)) {
    return t('securityInfo.questionCount', { count: Number(m.detail) });
  }
  // A call to another phone than the mobile says which (docs/DESIGN.md §3.5).
  if (m.kind === 'phoneCall' && m.phoneType) {
    return `${m.detail} (${t(`phone.type.${m.phoneType}Short`)})`;
  }
  // Apps and tokens: the person's own name, or their number when several have none.
  if (m.kind === 'authenticatorApp' || m.kind === 'hardwareToken') {
    const own = m.name ?? (m.number ? t('securityInfo.numbered', { number: m.number }) : '');
    if (m.kind === 'authenticatorApp') return own || '–';
    return own && m.detail ? `${own} (${m.detail})` : own || m.detail || '–';
  }
  // The kind is named in its own (translated) column; the detail may be empty.
  return m.detail || '–';
}

/** "Security key – Blue key (YubiKey 5)"; just the kind when there is no detail. */
export function describeMethod(m: MethodSummary, i18n: Pick<I18n, 't' | 'tDynamic'>): string {
  const kind = i18n.tDynamic(`methods.kind.${m.kind satisfies MethodKind}`, m.kind);
  const detail = methodDetail(m, i18n.t);
  return detail === '–' ? kind : `${kind} – ${detail}`;
}
