/** Settings in the desktop app: electron-store under the user data dir (DESIGN.md §5). */
import ElectronStore from 'electron-store';
import { ConfSettingsStore, defaultSettings, type SettingsStore } from '../api/settings';

export function createElectronSettingsStore(): SettingsStore {
  const store = new ElectronStore<Record<string, unknown>>({
    name: 'settings',
    defaults: { ...defaultSettings },
    clearInvalidConfig: true,
  });
  return new ConfSettingsStore(store);
}
