/** Settings in browser mode: a conf JSON file (settings.json) in the data dir. */
import Conf from 'conf';
import { ConfSettingsStore, defaultSettings, type SettingsStore } from '../api/settings';

export function createFileSettingsStore(dataDir: string): SettingsStore {
  const conf = new Conf<Record<string, unknown>>({
    cwd: dataDir,
    configName: 'settings',
    defaults: { ...defaultSettings },
    clearInvalidConfig: true,
  });
  return new ConfSettingsStore(conf);
}
