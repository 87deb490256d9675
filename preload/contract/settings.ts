import { z } from 'zod';
import { call } from './define';

export const languages = ['sv', 'en'] as const;
export type Language = (typeof languages)[number];
export const themes = ['system', 'light', 'dark'] as const;
export type Theme = (typeof themes)[number];

/** What the renderer may read and change; window bounds and station mode stay in main. */
export interface UiSettings {
  /** null: follow the OS / browser locale. */
  language: Language | null;
  theme: Theme;
}

export const settingsCalls = {
  get: call(z.object({}).strict()).returns<UiSettings>(),
  update: call(
    z
      .object({
        language: z.enum(languages).nullable().optional(),
        theme: z.enum(themes).optional(),
      })
      .strict(),
  ).returns<UiSettings>(),
};
