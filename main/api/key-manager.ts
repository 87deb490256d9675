/**
 * The "Security keys" page's contract entries (docs/KEYS.md "Key manager"): each validates its
 * arguments (the contract did), calls one SecurityKeyManager method and maps the result. Long
 * operations run under their operation id in the manager, so `cancel` stops the key (CTAPHID
 * CANCEL), and report their steps as `operation.progress`.
 */
import { StationError } from '../station';
import type { KeyManagerProgress, SecurityKeyManager } from '../station/keyManager';
import type { CallContext, DomainHandlers } from './dispatch';
import type { HostElevation } from './station-host';

const ok = { ok: true as const };

/** The manager's progress as events for the renderer that asked (keepalive, step, sample). */
function progressTo(
  ctx: CallContext,
  operationId: string,
): { operationId: string; onProgress: (p: KeyManagerProgress) => void } {
  return {
    operationId,
    onProgress(p) {
      if (p.step === 'touch' || p.step === 'processing') {
        ctx.emit('key.keepalive', {
          operationId,
          status: p.step === 'touch' ? 'touchNeeded' : 'processing',
        });
      } else if (p.step === 'sample') {
        ctx.emit('operation.progress', {
          operationId,
          step: 'sample',
          detail: p.feedback,
          done: p.done,
          total: p.total,
        });
      } else {
        ctx.emit('operation.progress', { operationId, step: p.step });
      }
    },
  };
}

export function keyManagerHandlers(
  manager: SecurityKeyManager,
  elevation?: HostElevation,
): DomainHandlers<'keyManager'> {
  return {
    async keys() {
      return { keys: await manager.keys() };
    },
    async overview({ deviceId }) {
      const o = await manager.overview(deviceId);
      return { ...o, versions: [...o.versions] };
    },
    async choose({ deviceIds, operationId }, ctx) {
      const deviceId = await manager.choose(deviceIds ?? [], progressTo(ctx, operationId));
      return { deviceId };
    },
    async wink({ deviceId }) {
      await manager.wink(deviceId);
      return ok;
    },
    async setPin({ deviceId, pin, confirmation }) {
      await manager.setPin(deviceId, pin, confirmation);
      return ok;
    },
    async changePin({ deviceId, currentPin, newPin, confirmation }) {
      await manager.changePin(deviceId, currentPin, newPin, confirmation);
      return ok;
    },
    async configure({ deviceId, pin, change }) {
      await manager.configure(deviceId, pin, change);
      return ok;
    },
    async credentials({ deviceId, pin }) {
      const credentials = await manager.credentials(deviceId, pin);
      return { credentials: credentials.map((c) => ({ ...c, owner: c.owner && { ...c.owner } })) };
    },
    async deleteCredential({ deviceId, pin, credentialId }) {
      await manager.deleteCredential(deviceId, pin, credentialId);
      return ok;
    },
    async updateUser({ deviceId, pin, credentialId, userId, name, displayName }) {
      await manager.updateUser(deviceId, pin, credentialId, userId, { name, displayName });
      return ok;
    },
    async fingerprints({ deviceId, pin }) {
      return { fingerprints: await manager.fingerprints(deviceId, pin) };
    },
    async enrollFingerprint({ deviceId, pin, name, operationId }, ctx) {
      return manager.enrollFingerprint(deviceId, pin, name, progressTo(ctx, operationId));
    },
    async renameFingerprint({ deviceId, pin, templateId, name }) {
      await manager.renameFingerprint(deviceId, pin, templateId, name);
      return ok;
    },
    async deleteFingerprint({ deviceId, pin, templateId }) {
      await manager.deleteFingerprint(deviceId, pin, templateId);
      return ok;
    },
    async reset({ deviceId, operationId }, ctx) {
      await manager.reset(deviceId, progressTo(ctx, operationId));
      return ok;
    },
    metadata() {
      const m = manager.metadata();
      return { ...m, flagged: m.flagged.map((f) => ({ ...f })) };
    },
    async importMetadata({ blob, rootPem }) {
      return manager.importMetadata(blob, rootPem);
    },
    async elevation() {
      return { canRestart: elevation ? await elevation.canRestartElevated() : false };
    },
    async restartAsAdministrator() {
      if (!elevation || !(await elevation.canRestartElevated()))
        throw new StationError('securityKey.restartUnavailable');
      try {
        await elevation.restartElevated();
      } catch {
        throw new StationError('securityKey.restartRefused');
      }
      return ok;
    },
    cancel({ operationId }) {
      manager.cancel(operationId);
      return ok;
    },
  };
}
