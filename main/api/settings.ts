/**
 * App settings that are not registry data (DESIGN.md §5): window, language, theme, station mode.
 * One interface, two stores: electron-store in the desktop app (main/electron/settings-store.ts)
 * and a conf JSON file under the data dir in browser mode (main/browser-host/settings-store.ts).
 * What is read back is validated: a hand-edited or corrupt file falls back to defaults per field.
 */
import { z } from 'zod';
import { languages, themes } from '../../preload/contract';

export const windowStateSchema = z.object({
  width: z.number().int().min(480).max(10_000),
  height: z.number().int().min(360).max(10_000),
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof windowStateSchema>;

export const settingsSchema = z.object({
  language: z.enum(languages).nullable(),
  theme: z.enum(themes),
  /** A fresh install is a demo station (DESIGN.md §4); production refuses the virtual key. */
  stationMode: z.enum(['demo', 'production']),
  /** First run done: from then on every contract call needs a signed-in session. */
  firstRunComplete: z.boolean(),
  kiosk: z.boolean(),
  window: windowStateSchema,
  /**
   * Where the audit log's signed checkpoints go (main/station/auditAnchor.ts): a directory the
   * operator chose outside the data directory; null: none (browser mode may give --audit-anchor).
   */
  auditAnchorDir: z.string().min(1).max(4096).nullable(),
});
export type Settings = z.infer<typeof settingsSchema>;

export const defaultSettings: Settings = {
  language: null,
  theme: 'system',
  stationMode: 'demo',
  firstRunComplete: false,
  kiosk: false,
  window: { width: 1280, height: 860, maximized: false },
  auditAnchorDir: null,
};

export interface SettingsStore {
  get(): Settings;
  update(patch: Partial<Settings>): Settings;
}

/** Field by field: one bad field does not throw away the others. */
export function sanitizeSettings(raw: unknown): Settings {
  const source = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(defaultSettings) as (keyof Settings)[]) {
    const field = settingsSchema.shape[key].safeParse(source[key]);
    out[key] = field.success ? field.data : defaultSettings[key];
  }
  return out as Settings;
}

/** The part of conf / electron-store we use (electron-store extends conf). */
export interface ConfLike {
  store: Record<string, unknown>;
}

export class ConfSettingsStore implements SettingsStore {
  constructor(private readonly conf: ConfLike) {}

  get(): Settings {
    return sanitizeSettings(this.conf.store);
  }

  update(patch: Partial<Settings>): Settings {
    const next = sanitizeSettings({ ...this.get(), ...patch });
    this.conf.store = next;
    return next;
  }
}

export class MemorySettingsStore implements SettingsStore {
  #value: Settings;
  constructor(initial: Partial<Settings> = {}) {
    this.#value = sanitizeSettings({ ...defaultSettings, ...initial });
  }
  get(): Settings {
    return this.#value;
  }
  update(patch: Partial<Settings>): Settings {
    this.#value = sanitizeSettings({ ...this.#value, ...patch });
    return this.#value;
  }
}
