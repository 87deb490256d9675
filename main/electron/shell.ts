/**
 * The desktop app's decisions, kept out of Electron so they are unit-tested (test/unit/shell):
 * which window the station shows (the main window or the kiosk window, DESIGN.md §3.8), when that
 * changes while the app runs (an operator starts kiosk mode from the console, or unlocks it),
 * and which renderer is trusted with the contract and gets the station's events — always the
 * one window on screen now, so a kiosk window replaced for the next person (a fresh in-memory
 * partition) takes both over and the previous one keeps nothing.
 */
import { EVENT_CHANNEL } from '../../preload/contract';
import type { EventSink } from '../api/events';
import type { Settings, SettingsStore } from '../api/settings';
import type { TrustedRenderer } from './ipc';
import { isRendererUrl } from './renderer-origin';

export type ShellSurface = 'main' | 'kiosk';

/**
 * `--kiosk` makes the machine a kiosk whatever the settings say (the operator console then
 * runs inside the kiosk window after an unlock); otherwise the kiosk window is shown while
 * kiosk mode is on (started from the console, kept across restarts).
 */
export function shellSurface(input: { kioskFlag: boolean; kioskSetting: boolean }): ShellSurface {
  return input.kioskFlag || input.kioskSetting ? 'kiosk' : 'main';
}

export type ShellChange = 'enterKiosk' | 'leaveKiosk' | null;

export function shellChange(current: ShellSurface, next: ShellSurface): ShellChange {
  if (current === next) return null;
  return next === 'kiosk' ? 'enterKiosk' : 'leaveKiosk';
}

/**
 * The settings store the station gets, telling the shell after each change (kiosk.start and
 * the kiosk unlock write `kiosk`). A listener that throws never fails the station's update.
 */
export function observeSettings(
  store: SettingsStore,
  onChange: (before: Settings, after: Settings) => void,
): SettingsStore {
  return {
    get: () => store.get(),
    update(patch) {
      const before = store.get();
      const after = store.update(patch);
      try {
        onChange(before, after);
      } catch {
        // The shell's window switch must not undo or fail the station's own change.
      }
      return after;
    },
  };
}

/** The slice of Electron's WebContents the shell uses (a fake in unit tests). */
export interface RendererContents {
  readonly id: number;
  isDestroyed(): boolean;
  getURL(): string;
  send(channel: string, message: unknown): void;
}

/**
 * The one renderer the station serves now. The IPC sender check trusts only it, and the
 * event sink sends only to it (and only while it shows our renderer origin).
 */
export class CurrentRenderer {
  #contents: RendererContents | null = null;
  readonly trusted: TrustedRenderer;

  constructor(readonly origin: string) {
    this.trusted = { webContentsId: () => this.webContentsId(), origin };
  }

  set(contents: RendererContents | null): void {
    this.#contents = contents;
  }

  /** Drops `contents` if it is still the current one (its window closed). */
  release(contents: RendererContents): void {
    if (this.#contents === contents) this.#contents = null;
  }

  get contents(): RendererContents | null {
    const c = this.#contents;
    return c && !c.isDestroyed() ? c : null;
  }

  webContentsId(): number | undefined {
    return this.contents?.id;
  }

  readonly sink: EventSink = (name, payload) => {
    const c = this.contents;
    if (!c || !isRendererUrl(c.getURL(), this.origin)) return;
    c.send(EVENT_CHANNEL, { name, payload });
  };
}
