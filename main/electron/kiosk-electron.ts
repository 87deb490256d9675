/**
 * The Electron side of kiosk mode: a KioskWindowFactory over BrowserWindow + session, and the
 * wiring that rotates the kiosk window whenever the station ends a person's session
 * (`kiosk.sessionEnded` on the station's event bus). For main/electron/app.ts to call when the
 * station starts in kiosk mode (not wired yet: app.ts's protocol handler and permission
 * refusals must first be applicable to a given session, see `prepareSession`).
 */
import { BrowserWindow, session, type Session } from 'electron';
import type { StationEventBus } from '../api/events';
import {
  kioskBlocksKey,
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
  /** Per new window: attach the contract IPC trust, event sink… (app.ts knows how). */
  onWindow(window: BrowserWindow): void;
}

export function installKioskWindows(options: KioskInstallOptions): KioskWindows {
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
  options.bus.attach((name) => {
    if (name === 'kiosk.sessionEnded') void windows.personDone();
  });
  windows.start();
  return windows;
}
