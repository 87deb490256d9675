/**
 * The application menu as a pure template. Kiosk mode has no menu at all (DESIGN.md §3.8: no way
 * out); DevTools and reload appear only in development.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { Language } from '../../preload/contract';

const labels = {
  sv: {
    file: 'Arkiv',
    quit: 'Avsluta',
    view: 'Visa',
    zoomIn: 'Större text',
    zoomOut: 'Mindre text',
    resetZoom: 'Normal textstorlek',
    fullscreen: 'Helskärm',
    reload: 'Läs in igen',
    devTools: 'Utvecklarverktyg',
    help: 'Hjälp',
    about: 'Om Keystation',
  },
  en: {
    file: 'File',
    quit: 'Quit',
    view: 'View',
    zoomIn: 'Larger text',
    zoomOut: 'Smaller text',
    resetZoom: 'Normal text size',
    fullscreen: 'Full screen',
    reload: 'Reload',
    devTools: 'Developer tools',
    help: 'Help',
    about: 'About Keystation',
  },
} as const;

export interface MenuInput {
  language: Language;
  kiosk: boolean;
  development: boolean;
  isMac: boolean;
}

export function appMenuTemplate(input: MenuInput): MenuItemConstructorOptions[] | null {
  if (input.kiosk) return null;
  const l = labels[input.language];
  const view: MenuItemConstructorOptions[] = [
    { label: l.zoomIn, role: 'zoomIn', accelerator: 'CommandOrControl+Plus' },
    { label: l.zoomOut, role: 'zoomOut' },
    { label: l.resetZoom, role: 'resetZoom' },
    { type: 'separator' },
    { label: l.fullscreen, role: 'togglefullscreen' },
  ];
  if (input.development) {
    view.push(
      { type: 'separator' },
      { label: l.reload, role: 'reload' },
      { label: l.devTools, role: 'toggleDevTools' },
    );
  }
  return [
    ...(input.isMac ? [{ role: 'appMenu' as const }] : []),
    { label: l.file, submenu: [{ label: l.quit, role: 'quit' }] },
    { label: l.view, submenu: view },
    { label: l.help, role: 'help', submenu: [{ label: l.about, role: 'about' }] },
  ];
}
