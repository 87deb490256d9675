import type { UiSettings } from '../../preload/contract';
import type { DomainHandlers } from './dispatch';
import type { Settings, SettingsStore } from './settings';

function uiSettings(s: Settings): UiSettings {
  return { language: s.language, theme: s.theme };
}

/**
 * The renderer may read and change language and theme only; mode and kiosk stay with main.
 * In kiosk mode a change is answered but not stored: it lasts as long as the person's page,
 * and the next person (the kiosk reloads after each one) starts with the station's own choice.
 */
export function settingsHandlers(
  settings: SettingsStore,
  kiosk: () => boolean = () => false,
): DomainHandlers<'settings'> {
  return {
    get() {
      return uiSettings(settings.get());
    },
    update(patch) {
      const next: Partial<Settings> = {};
      if (patch.language !== undefined) next.language = patch.language;
      if (patch.theme !== undefined) next.theme = patch.theme;
      if (kiosk()) return uiSettings({ ...settings.get(), ...next });
      return uiSettings(settings.update(next));
    },
  };
}
