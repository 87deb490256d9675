/**
 * The Electron side of kiosk mode: a KioskWindowFactory over BrowserWindow + session, and the
 * wiring that rotates the kiosk window whenever the station ends a person's session
 * (`kiosk.sessionEnded` on the station's event bus). main/electron/app.ts calls
 * `installKioskWindows` when the station starts in kiosk mode.
 */
import { BrowserWindow, session } from 'electron';
import type { StationEventBus } from '../api/events';
import {
  kioskBlocksKey,
  kioskWindowOptions,
  KioskWindows,
  type KioskWindowInput,
  type KioskWindowLike,
} from './kiosk';

export interface KioskInstallOptions {
  window: Omit<KioskWindowInput, 'partition'>;
  /** The renderer's start URL (app://keystation/index.html). */
  url: string;
  bus: StationEventBus;
  /** Per new window: attach the contract IPC trust, event sink… (app.ts knows how). */
  onWindow(window: BrowserWindow): void;
}

export function installKioskWindows(options: KioskInstallOptions): KioskWindows {
  const windows = new KioskWindows({
    open(partition): KioskWindowLike {
      const win = new BrowserWindow(kioskWindowOptions({ ...options.window, partition }));
      win.setMenu(null);
      win.webContents.on('before-input-event', (event, input) => {
        if (kioskBlocksKey(input)) event.preventDefault();
      });
      win.once('ready-to-show', () => win.show());
      options.onWindow(win);
      void win.loadURL(options.url);
      return {
        partition,
        show: () => win.show(),
        destroy: () => {
          if (!win.isDestroyed()) win.destroy();
        },
      };
    },
    async clear(partition) {
      const ses = session.fromPartition(partition);
      await ses.clearStorageData();
      await ses.clearCache();
    },
  });
  options.bus.attach((name) => {
    if (name === 'kiosk.sessionEnded') void windows.personDone();
  });
  windows.start();
  return windows;
}
