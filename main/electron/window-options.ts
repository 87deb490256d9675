/**
 * The main window's options, as a pure function so the security settings are unit-tested
 * (Electron security checklist: context isolation, sandbox, no Node in the renderer, web
 * security, no webviews, DevTools only in development).
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import type { WindowState } from '../api/settings';

export interface MainWindowInput {
  preloadPath: string;
  /** Locked-down full screen (DESIGN.md §3.8). */
  kiosk: boolean;
  /** Running from the dev server (electron-vite dev); enables DevTools. */
  development: boolean;
  window: WindowState;
  title: string;
  /** Painted before the renderer loads, matching the theme, so there is no white flash. */
  backgroundColor: string;
}

export function mainWindowOptions(input: MainWindowInput): BrowserWindowConstructorOptions {
  const { window: bounds, kiosk } = input;
  return {
    title: input.title,
    width: bounds.width,
    height: bounds.height,
    ...(bounds.x !== undefined && bounds.y !== undefined ? { x: bounds.x, y: bounds.y } : {}),
    minWidth: 720,
    minHeight: 540,
    show: false,
    backgroundColor: input.backgroundColor,
    kiosk,
    fullscreen: kiosk,
    fullscreenable: true,
    closable: !kiosk,
    minimizable: !kiosk,
    autoHideMenuBar: kiosk,
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: input.development,
      disableBlinkFeatures: 'Auxclick',
    },
  };
}

/** The settings the app refuses to run without (checked again on the live window). */
export const requiredWebPreferences = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  webviewTag: false,
} as const;

/**
 * Fail closed: compares a window's effective web preferences with the required ones and names
 * every difference (empty when secure). app.ts calls it on the created window.
 */
export function insecureWebPreferences(actual: Record<string, unknown> | undefined): string[] {
  const prefs = actual ?? {};
  return Object.entries(requiredWebPreferences)
    .filter(([key, wanted]) => prefs[key] !== wanted)
    .map(([key]) => key);
}
