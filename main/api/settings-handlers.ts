import type { UiSettings } from '../../preload/contract';
import type { DomainHandlers } from './dispatch';
import type { Settings, SettingsStore } from './settings';

function uiSettings(s: Settings): UiSettings {
  return { language: s.language, theme: s.theme };
}

/** The renderer may read and change language and theme only; mode and kiosk stay with main. */
export function settingsHandlers(settings: SettingsStore): DomainHandlers<'settings'> {
  return {
    get() {
      return uiSettings(settings.get());
    },
    update(patch) {
      const next: Partial<Settings> = {};
      if (patch.language !== undefined) next.language = patch.language;
      if (patch.theme !== undefined) next.theme = patch.theme;
      return uiSettings(settings.update(next));
    },
  };
}
