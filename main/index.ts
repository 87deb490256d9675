/**
 * The Electron main process entry: app lifecycle only. The Electron wiring is in
 * main/electron/app.ts; the station and the contract handlers are composed by main/api.
 */
import { openStationHost } from './api';
import { runDesktopApp } from './electron/app';
import { version } from '../package.json';

runDesktopApp({ openStationHost, version });
