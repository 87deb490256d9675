/**
 * The desktop app: Electron wiring only (ARCHITECTURE.md example 9, thin Electron). All
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
  type WebContents,
} from 'electron';
import { EVENT_CHANNEL } from '../../preload/contract';
import { securityHeaders } from '../api/content-security-policy';
import type { EventSink } from '../api/events';
import { mimeTypeOf, resolveRendererFile } from '../api/renderer-files';
import type { SettingsStore } from '../api/settings';
import type { StationHost, StationHostOptions } from '../api/station-host';
import { registerContractIpc } from './ipc';
import { safeStorageSealer } from './safe-storage-sealer';
import { appMenuTemplate } from './menu';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, isRendererUrl, rendererOrigin } from './renderer-origin';
import { createElectronSettingsStore } from './settings-store';
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
  let stationHost: StationHost | null = null;

  hardenAllWebContents(origin, development);

  app.on('second-instance', () => {
    if (!mainWindow) return;
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
    const settings: SettingsStore = createElectronSettingsStore();
    const current = settings.get();
    const kiosk = kioskFlag || current.kiosk;
    const rendererDir = join(__dirname, '../renderer');

    denyPermissions();
    serveRenderer(rendererDir);
    if (development) {
      session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
        callback({
          responseHeaders: {
            ...details.responseHeaders,
            ...headerArrays(securityHeaders({ development: true })),
          },
        });
      });
    }

    stationHost = await options.openStationHost({
      dataDir: app.getPath('userData'),
      demo: current.stationMode === 'demo',
      settings,
      host: 'electron',
      version: options.version,
      secretSealer: safeStorageSealer(safeStorage, process.platform),
    });

    const template = appMenuTemplate({
      language: current.language ?? (app.getLocale().startsWith('sv') ? 'sv' : 'en'),
      kiosk,
      development,
      isMac: process.platform === 'darwin',
    });
    Menu.setApplicationMenu(template ? Menu.buildFromTemplate(template) : null);

    const windowOptions = mainWindowOptions({
      preloadPath: join(__dirname, '../preload/index.cjs'),
      kiosk,
      development,
      window: current.window,
      title: 'Keystation',
      backgroundColor: nativeTheme.shouldUseDarkColors ? '#14171c' : '#f7f8fa',
    });
    // Fail closed if the options ever lose a required security setting.
    const insecure = insecureWebPreferences(
      windowOptions.webPreferences as Record<string, unknown>,
    );
    if (insecure.length > 0)
      throw new Error(`Refusing insecure web preferences: ${insecure.join(', ')}`);
    mainWindow = new BrowserWindow(windowOptions);
    const window = mainWindow;
    if (current.window.maximized && !kiosk) window.maximize();
    window.once('ready-to-show', () => window.show());
    window.on('close', () => {
      if (kiosk) return;
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
      mainWindow = null;
    });

    const sinkFor =
      (contents: WebContents): EventSink =>
      (name, payload) => {
        if (contents.isDestroyed() || !isRendererUrl(contents.getURL(), origin)) return;
        contents.send(EVENT_CHANNEL, { name, payload });
      };
    const host = stationHost;
    host.bus.attach(sinkFor(window.webContents));
    registerContractIpc(
      ipcMain,
      host.dispatch,
      {
        webContentsId: () =>
          mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents.id : undefined,
        origin,
      },
      () => ({ host: 'electron', emit: sinkFor(window.webContents) }),
      (channel, verdict) => console.warn(`keystation: refused ${channel} (${verdict})`),
    );

    await window.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
  });
}

function headerArrays(headers: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
}

/** app://keystation/… → the built renderer, with the CSP and other security headers. */
function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
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
function denyPermissions(): void {
  const ses = session.defaultSession;
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
