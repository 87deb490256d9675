import { z } from 'zod';
import { call } from './define';

export type StationMode = 'demo' | 'production';

export interface StationInfo {
  mode: StationMode;
  /** The app's version from package.json. */
  version: string;
  /** The organization the registry belongs to (demo: the demo organization). */
  organizationName: string | null;
  /** Which host serves the renderer; only for diagnostics, the UI must not branch on it. */
  host: 'electron' | 'browser';
  /**
   * false: the audit log no longer matches its head or its anchor (rows cut off, the registry
   * rolled back or edited); the station refuses every change and shows the integrity alarm.
   */
  auditIntact: boolean;
}

export const stationCalls = {
  /** What the header shows: mode (the demo banner), organization, version. */
  info: call(z.object({}).strict()).returns<StationInfo>(),
};
