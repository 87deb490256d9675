/**
 * The Electron side of kiosk mode: a KioskWindowFactory over BrowserWindow + session, and the
 * wiring that rotates the kiosk window whenever the station ends a person's session
 * (`kiosk.sessionEnded` on the station's event bus). main/electron/app.ts calls it when the
 * kiosk window is shown (`--kiosk`, or kiosk mode started from the console) and `stop()`s it
 * when an operator unlocks kiosk mode; the decisions live in ./kiosk.ts and ./shell.ts.
 */
import { BrowserWindow, session, type Session } from 'electron';
import type { StationEventBus } from '../api/events';
import {
  kioskBlocksKey,
  rotateOnSessionEnd,
  kioskWindowOptions,
  KioskWindows,
  type KioskWindowInput,
  type KioskWindowLike,
} from './kiosk';
import { insecureWebPreferences } from './window-options';

export interface KioskInstallOptions {
  window: Omit<KioskWindowInput, 'partition'>;
  /** The renderer's start URL (app://keystation/index.html). */
  url: string;
  bus: StationEventBus;
  /**
   * A fresh partition is a fresh session: it needs what app.ts gives the default session
   * (the app:// protocol handler, the permission refusals, the security headers) before the
   * window loads.
   */
  prepareSession(ses: Session): void;
  /** Per new window: make it the trusted renderer and the event sink (app.ts knows how). */
  onWindow(window: BrowserWindow): void;
}

export interface InstalledKiosk {
  readonly windows: KioskWindows;
  /** Leaves kiosk mode: no more rotation, the kiosk window and its partition go. */
  stop(): Promise<void>;
}

export function installKioskWindows(options: KioskInstallOptions): InstalledKiosk {
  const windows = new KioskWindows({
    open(partition): KioskWindowLike {
      options.prepareSession(session.fromPartition(partition));
      const windowOptions = kioskWindowOptions({ ...options.window, partition });
      // Fail closed, as app.ts does for the main window.
      const insecure = insecureWebPreferences(
        windowOptions.webPreferences as Record<string, unknown>,
      );
      if (insecure.length > 0) {
        throw new Error(`Refusing insecure kiosk web preferences: ${insecure.join(', ')}`);
      }
      const win = new BrowserWindow(windowOptions);
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
  const detach = rotateOnSessionEnd(options.bus, windows);
  windows.start();
  return {
    windows,
    stop: async () => {
      detach();
      await windows.stop();
    },
  };
}
