/**
 * Kiosk mode in the desktop app (DESIGN.md §3.8: full screen, no way out, the station forgets each
 * person). Pure parts, unit-tested: the kiosk window's options, the per-person session
 * partition name, which key presses are swallowed, and the controller that gives every person
 * a fresh window in a fresh in-memory partition. The Electron calls are the few lines of
 * `installKioskWindows` at the end (main/electron/app.ts wires it).
 *
 * Why a new partition per person and not just a reload: a partition holds the renderer's
 * cookies, storage, cache and service workers; a name without the `persist:` prefix lives in
 * memory only, and a new name shares nothing with the previous person's. The old one is
 * cleared and dropped with its window.
 */
import { randomUUID } from 'node:crypto';
import type { BrowserWindowConstructorOptions } from 'electron';
import { mainWindowOptions, type MainWindowInput } from './window-options';

export const KIOSK_PARTITION_PREFIX = 'kiosk-';

/** `kiosk-<random>`: in-memory (never `persist:`), unique per person. */
export function kioskPartition(random: () => string = randomUUID): string {
  const id = random().replace(/[^A-Za-z0-9-]/g, '');
  if (id.length < 8) throw new Error('kiosk partition id too short');
  return `${KIOSK_PARTITION_PREFIX}${id}`;
}

export function isKioskPartition(partition: string): boolean {
  return partition.startsWith(KIOSK_PARTITION_PREFIX) && !partition.startsWith('persist:');
}

export type KioskWindowInput = Omit<MainWindowInput, 'kiosk' | 'development'> & {
  partition: string;
};

/**
 * The kiosk window: the main window's hardened web preferences, plus full screen with no
 * frame, menu, close/minimise/resize/move, DevTools off even in development, and the
 * person's own in-memory partition.
 */
export function kioskWindowOptions(input: KioskWindowInput): BrowserWindowConstructorOptions {
  if (!isKioskPartition(input.partition)) {
    throw new Error('a kiosk window needs an in-memory kiosk-… partition');
  }
  const base = mainWindowOptions({ ...input, kiosk: true, development: false });
  return {
    ...base,
    kiosk: true,
    fullscreen: true,
    fullscreenable: false,
    frame: false,
    closable: false,
    minimizable: false,
    maximizable: false,
    resizable: false,
    movable: false,
    alwaysOnTop: true,
    skipTaskbar: true,
    autoHideMenuBar: true,
    webPreferences: {
      ...base.webPreferences,
      devTools: false,
      partition: input.partition,
      spellcheck: false,
    },
  };
}

export interface KeyInput {
  type: string;
  key: string;
  control?: boolean;
  meta?: boolean;
  alt?: boolean;
  shift?: boolean;
}

/**
 * Key presses the kiosk swallows (webContents 'before-input-event'): reload, DevTools, close,
 * quit, history back/forward, full-screen toggle, zoom, print, find, new window, view source.
 * Typing, Tab, Enter, Escape (closes our own dialogs) and the arrows stay.
 */
export function kioskBlocksKey(input: KeyInput): boolean {
  if (input.type !== 'keyDown' && input.type !== 'rawKeyDown') return false;
  const key = input.key.length === 1 ? input.key.toLowerCase() : input.key;
  const mod = Boolean(input.control || input.meta);
  if (/^F([1-9]|1[0-9]|2[0-4])$/.test(key)) return true; // F5 reload, F11 full screen, F12 DevTools…
  if (input.alt && (key === 'ArrowLeft' || key === 'ArrowRight' || key === 'Home')) return true;
  if (input.alt && key === 'F4') return true;
  if (key === 'BrowserBack' || key === 'BrowserForward' || key === 'BrowserRefresh') return true;
  if (mod) {
    if (
      ['r', 'w', 'q', 'n', 't', 'p', 'f', 'g', 'h', 'j', 'o', 's', 'u', 'l', '[', ']'].includes(key)
    )
      return true;
    if (key === '+' || key === '-' || key === '=' || key === '0') return true;
    if (input.shift && ['i', 'j', 'c', 'delete', 'Delete'].includes(key)) return true;
  }
  return false;
}

/** The slice of a BrowserWindow the controller uses (a fake in unit tests). */
export interface KioskWindowLike {
  readonly partition: string;
  show(): void;
  destroy(): void;
}

export interface KioskWindowFactory {
  /** Opens a kiosk window on `partition` and loads the renderer. */
  open(partition: string): KioskWindowLike;
  /** Clears everything stored in a partition (cookies, storage, cache). */
  clear(partition: string): Promise<void>;
}

/**
 * One window per person: `personDone()` (kiosk.sessionEnded: done, idle, cancel) opens a fresh
 * window on a fresh partition, then destroys the old one and clears its partition. The new
 * window is up before the old goes, so the station never shows the desktop in between.
 */
export class KioskWindows {
  #current: KioskWindowLike | null = null;
  readonly #used = new Set<string>();

  constructor(
    private readonly factory: KioskWindowFactory,
    private readonly newPartition: () => string = () => kioskPartition(),
  ) {}

  get current(): KioskWindowLike | null {
    return this.#current;
  }

  start(): KioskWindowLike {
    if (this.#current) return this.#current;
    this.#current = this.#openFresh();
    return this.#current;
  }

  async personDone(): Promise<KioskWindowLike> {
    const old = this.#current;
    const next = this.#openFresh();
    this.#current = next;
    next.show();
    if (old) {
      old.destroy();
      await this.factory.clear(old.partition).catch(() => undefined);
    }
    return next;
  }

  /** Kiosk mode ended (operator unlock): the kiosk window and its partition go. */
  async stop(): Promise<void> {
    const old = this.#current;
    this.#current = null;
    if (old) {
      old.destroy();
      await this.factory.clear(old.partition).catch(() => undefined);
    }
  }

  #openFresh(): KioskWindowLike {
    let partition = this.newPartition();
    // A partition is never reused, even if the random source repeated itself.
    for (let tries = 0; this.#used.has(partition); tries += 1) {
      if (tries >= 5) throw new Error('no fresh kiosk partition');
      partition = this.newPartition();
    }
    this.#used.add(partition);
    return this.factory.open(partition);
  }
}

/** The slice of the station's event bus the kiosk listens on. */
export interface KioskEventSource {
  attach(sink: (name: string, payload: unknown) => void): () => void;
}

/**
 * Gives the next person a fresh window whenever the station ends a person's session
 * (`kiosk.sessionEnded`: done, idle, cancel, expired). Returns detach: once kiosk mode is left,
 * a late event must not open a kiosk window again.
 */
export function rotateOnSessionEnd(bus: KioskEventSource, windows: KioskWindows): () => void {
  let attached = true;
  const detach = bus.attach((name) => {
    if (attached && name === 'kiosk.sessionEnded') void windows.personDone();
  });
  return () => {
    attached = false;
    detach();
  };
}
