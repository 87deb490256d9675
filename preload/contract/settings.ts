import { z } from 'zod';
import { call } from './define';

import { languages, themes, type Language, type Theme } from './wire';

export { languages, themes, type Language, type Theme };

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
