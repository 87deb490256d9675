/**
 * The one place that knows there are two hosts: the Electron preload's bridge
 * (`window.keystation`) when it exists, the browser host's WebSocket otherwise.
 */
import type { KeystationApi } from '../../../preload/contract';
import { createSocketApi } from './socketClient';

declare global {
  interface Window {
    keystation?: KeystationApi;
  }
}

export function createApi(): KeystationApi {
  if (window.keystation) return window.keystation;
  const url = new URL('/api', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  return createSocketApi(url.toString());
}
