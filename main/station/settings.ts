import { StationStateRepository } from '../db/repositories/stationState';
import type { StationContext } from './context';
import { StationError } from './errors';

/**
 * Station settings that belong to the registry (station name, gateway URL, …). Window, language
 * and station mode live in electron-store (DESIGN.md §5), not here. Keys starting with "audit." are
 * internal.
 */
export const SETTING_KEYS = ['station.name', 'gateway.url', 'gateway.kind'] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

export class StationSettings {
  private readonly repo: StationStateRepository;

  constructor(private readonly ctx: StationContext) {
    this.repo = new StationStateRepository(ctx.db);
  }

  get(key: SettingKey): string | undefined {
    return this.repo.setting(key);
  }

  all(): Partial<Record<SettingKey, string>> {
    const out: Partial<Record<SettingKey, string>> = {};
    for (const k of SETTING_KEYS) {
      const v = this.get(k);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }

  set(key: SettingKey, value: string): void {
    this.ctx.session.assertAdmin();
    if (typeof value !== 'string' || value.length > 2048)
      throw new StationError('input.invalid', { field: key });
    if (key === 'gateway.kind' && value !== 'outbox' && value !== 'http') {
      throw new StationError('input.invalid', { field: key });
    }
    if (key === 'gateway.url' && value !== '') {
      let ok: boolean;
      try {
        const u = new URL(value);
        ok = u.protocol === 'https:' || u.protocol === 'http:';
      } catch {
        ok = false;
      }
      if (!ok) throw new StationError('gateway.notConfigured');
    }
    this.ctx.db.transaction(() => {
      this.repo.putSetting(key, value);
      this.ctx.audit.append('settings.changed', null, { key });
    })();
  }
}
