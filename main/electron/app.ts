/**
 * The desktop app: Electron wiring only (docs/DESIGN.md §10.5, thin Electron). All
 * behaviour is in main/api and main/station, which run in plain Node too (browser mode).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  nativeTheme,
  protocol,
  safeStorage,
  session,
  type Session,
} from 'electron';
import { securityHeaders } from '../api/content-security-policy';
import { mimeTypeOf, resolveRendererFile } from '../api/renderer-files';
import type { SettingsStore } from '../api/settings';
import { stationEnvironment, type StationHost, type StationHostOptions } from '../api/station-host';
import { windowsElevation } from './elevation';
import { registerContractIpc } from './ipc';
import { installKioskWindows, type InstalledKiosk } from './kiosk-electron';
import { fileKeySealer } from '../api/station-key';
import { safeStorageSealer } from './safe-storage-sealer';
import { appMenuTemplate } from './menu';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, isRendererUrl, rendererOrigin } from './renderer-origin';
import { createElectronSettingsStore } from './settings-store';
import {
  CurrentRenderer,
  observeSettings,
  shellChange,
  shellSurface,
  type ShellChange,
} from './shell';
import { insecureWebPreferences, mainWindowOptions } from './window-options';

export interface DesktopAppOptions {
  /** Composes the station (main/index.ts passes main/api's composition root). */
  openStationHost(options: StationHostOptions): Promise<StationHost>;
  version: string;
}

// Must run before 'ready': app:// behaves like https (standard, secure) for the renderer.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

export function runDesktopApp(options: DesktopAppOptions): void {
  app.setName('Keystation');
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  const development = devServerUrl !== undefined;
  const origin = rendererOrigin(devServerUrl);
  const kioskFlag = process.argv.includes('--kiosk');
  let mainWindow: BrowserWindow | null = null;
  let kiosk: InstalledKiosk | null = null;
  let stationHost: StationHost | null = null;

  hardenAllWebContents(origin, development);

  app.on('second-instance', () => {
    // A kiosk window is always on top already; the main window is brought back.
    if (!mainWindow || kiosk) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('window-all-closed', () => {
    app.quit();
  });

  app.on('will-quit', () => {
    void stationHost?.close();
  });

  void app.whenReady().then(async () => {
    const rendererDir = join(__dirname, '../renderer');
    const url = devServerUrl ?? `${APP_ORIGIN}/index.html`;
    const renderer = new CurrentRenderer(origin);
    const stored = createElectronSettingsStore();
    let surface = shellSurface({ kioskFlag, kioskSetting: stored.get().kiosk });
    let started = false;
    // kiosk.start and the kiosk unlock write `kiosk`: the shell follows while the app runs.
    const settings: SettingsStore = observeSettings(stored, (_before, after) => {
      const next = shellSurface({ kioskFlag, kioskSetting: after.kiosk });
      const change = shellChange(surface, next);
      surface = next;
      // After the station has answered the call that changed it; before the first window the
      // start-up below reads `surface` itself.
      if (change && started) setImmediate(() => void switchSurface(change));
    });
    const current = settings.get();
    const prepareSession = (ses: Session) => prepareRendererSession(ses, rendererDir, development);
    prepareSession(session.defaultSession);

    stationHost = await options.openStationHost({
      dataDir: app.getPath('userData'),
      demo: current.stationMode === 'demo',
      settings,
      host: 'electron',
      version: options.version,
      // The OS keystore; without one, a 0600 key file outside the data directory (refused
      // inside it: main/api/station-key.ts).
      secretSealer:
        safeStorageSealer(safeStorage, process.platform) ??
        fileKeySealer({ dataDir: app.getPath('userData') }),
      // UDP keys only: the idle and touch-timeout test settings are the browser host's, so an
      // installed station's behaviour never depends on them.
      keyPaths: stationEnvironment(process.env).keyPaths,
      // Windows without elevation: the key manager offers "Restart as administrator".
      elevation: windowsElevation({
        platform: process.platform,
        execPath: process.execPath,
        args: process.argv.slice(1),
        release: () => app.releaseSingleInstanceLock(),
        reacquire: () => void app.requestSingleInstanceLock(),
        quit: () => app.quit(),
      }),
    });
    const host = stationHost;

    const language = current.language ?? (app.getLocale().startsWith('sv') ? 'sv' : 'en');
    const setMenu = () => {
      const template = appMenuTemplate({
        language,
        kiosk: surface === 'kiosk',
        development,
        isMac: process.platform === 'darwin',
      });
      Menu.setApplicationMenu(template ? Menu.buildFromTemplate(template) : null);
    };
    const windowInput = {
      preloadPath: join(__dirname, '../preload/index.cjs'),
      window: current.window,
      title: 'Keystation',
      backgroundColor: nativeTheme.shouldUseDarkColors ? '#14171c' : '#f7f8fa',
    };

    // One renderer is trusted and gets the events: the window on screen now.
    host.bus.attach(renderer.sink);
    registerContractIpc(
      ipcMain,
      host.dispatch,
      renderer.trusted,
      () => ({ host: 'electron', client: 'electron', emit: renderer.sink }),
      (channel, verdict) => console.warn(`keystation: refused ${channel} (${verdict})`),
    );

    const follow = (win: BrowserWindow) => {
      const contents = win.webContents;
      renderer.set(contents);
      win.on('closed', () => renderer.release(contents));
    };

    const openMainWindow = (): BrowserWindow => {
      const windowOptions = mainWindowOptions({ ...windowInput, kiosk: false, development });
      // Fail closed if the options ever lose a required security setting.
      const insecure = insecureWebPreferences(
        windowOptions.webPreferences as Record<string, unknown>,
      );
      if (insecure.length > 0)
        throw new Error(`Refusing insecure web preferences: ${insecure.join(', ')}`);
      const window = new BrowserWindow(windowOptions);
      mainWindow = window;
      if (current.window.maximized) window.maximize();
      window.once('ready-to-show', () => window.show());
      window.on('close', () => {
        const b = window.getNormalBounds();
        settings.update({
          window: {
            width: b.width,
            height: b.height,
            x: b.x,
            y: b.y,
            maximized: window.isMaximized(),
          },
        });
      });
      window.on('closed', () => {
        if (mainWindow === window) mainWindow = null;
      });
      follow(window);
      void window.loadURL(url);
      return window;
    };

    const enterKiosk = () => {
      if (kiosk) return;
      // Each person gets a fresh window on a fresh in-memory partition (main/electron/kiosk.ts).
      kiosk = installKioskWindows({
        window: windowInput,
        url,
        bus: host.bus,
        prepareSession,
        onWindow: follow,
      });
      // Hidden, not closed (closing the last window quits); it is no longer trusted.
      mainWindow?.hide();
    };

    const leaveKiosk = async () => {
      const window = mainWindow && !mainWindow.isDestroyed() ? mainWindow : null;
      if (window) {
        follow(window);
        // Its page still shows the kiosk it was left on: start it afresh, signed in.
        window.webContents.reload();
        window.show();
      } else {
        openMainWindow();
      }
      const leaving = kiosk;
      kiosk = null;
      await leaving?.stop();
    };

    async function switchSurface(change: ShellChange): Promise<void> {
      setMenu();
      if (change === 'enterKiosk') enterKiosk();
      else if (change === 'leaveKiosk') await leaveKiosk();
    }

    started = true;
    setMenu();
    if (surface === 'kiosk') enterKiosk();
    else openMainWindow();
  });
}

/**
 * What every renderer session needs before a window loads in it: the default session at start
 * and each kiosk person's fresh partition (a new session shares none of this).
 */
function prepareRendererSession(ses: Session, rendererDir: string, development: boolean): void {
  denyPermissions(ses);
  serveRenderer(ses, rendererDir);
  if (development) {
    ses.webRequest.onHeadersReceived((details, callback) => {
      callback({
        responseHeaders: {
          ...details.responseHeaders,
          ...headerArrays(securityHeaders({ development: true })),
        },
      });
    });
  }
}

function headerArrays(headers: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
}

/** app://keystation/… → the built renderer, with the CSP and other security headers. */
function serveRenderer(ses: Session, rendererDir: string): void {
  ses.protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === APP_HOST ? resolveRendererFile(rendererDir, url.pathname) : null;
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        status: 200,
        headers: { 'Content-Type': mimeTypeOf(file), ...securityHeaders() },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}

/** No camera, microphone, notifications, WebHID/WebUSB…: the renderer needs none of them. */
function denyPermissions(ses: Session): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    callback('');
  });
  ses.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    callback('');
  });
  ses.on('select-serial-port', (event, _ports, _contents, callback) => {
    event.preventDefault();
    callback('');
  });
}

/** Every webContents: no navigation away, no new windows, no webviews (Electron checklist 12–14). */
function hardenAllWebContents(origin: string, development: boolean): void {
  app.on('web-contents-created', (_event, contents) => {
    if (!development) contents.on('devtools-opened', () => contents.closeDevTools());
    contents.on('will-navigate', (event, url) => {
      if (!isRendererUrl(url, origin)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isRendererUrl(url, origin)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}
