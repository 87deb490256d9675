/**
 * The default data dir: the same folder Electron's app.getPath('userData') gives the desktop
 * app named "Keystation", so browser mode and the desktop app share one registry.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32')
    return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Keystation');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Keystation');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'Keystation');
}
