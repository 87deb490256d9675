import { event } from './define';

/** Hot-plug (DESIGN.md §3.3 "Insert your security key"). */
export interface KeyPresence {
  /** Opaque id of the device for this session (not a serial number). */
  deviceId: string;
  /** Product name, or "Virtual key (demo)" via i18n when `virtual`. */
  productName: string | null;
  virtual: boolean;
}

/** CTAPHID keepalive (CTAP 2.1 §11.2.9.1.5): UPNEEDED → "touch your key", PROCESSING → wait. */
export interface KeyKeepalive {
  operationId: string;
  status: 'processing' | 'touchNeeded';
}

/** Progress of a long operation the renderer started (e.g. an enrollment step). */
export interface OperationProgress {
  operationId: string;
  /** Step code the UI translates. */
  step: string;
  done?: number;
  total?: number;
  /** More about the step, a code the UI translates (e.g. fingerprint sample feedback). */
  detail?: string;
}

export const keyEvents = {
  'key.inserted': event<KeyPresence>(),
  'key.removed': event<{ deviceId: string }>(),
  'key.keepalive': event<KeyKeepalive>(),
};

export const operationEvents = {
  'operation.progress': event<OperationProgress>(),
};
