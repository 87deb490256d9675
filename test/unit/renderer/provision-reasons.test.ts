/**
 * Provisioning reasons on the board (docs/PROVISIONING.md): a station refusal carried as
 * `station:<code>?<params>` (main/station/provisioning/engine.ts stationReason) reads as the
 * person flow's message, in sv and en; the provisioning's own reasons stay its own.
 */
import { describe, expect, it } from 'vitest';
import { StationError } from '../../../main/station/errors';
import { stationReason } from '../../../main/station/provisioning/engine';
import { reasonAsError } from '../../../renderer/src/pages/operator/provision/reasonCodes';
import { errorMessage } from '../../../renderer/src/i18n/translate';

describe('provisioning reasons', () => {
  it("a flagged model: the person flow's message with its model and status, whatever the name holds", () => {
    const e = new StationError('securityKey.modelCompromised', {
      model: 'Key: "A&B" ?x=1 (MDS)',
      status: 'REVOKED',
    });
    const reason = stationReason(e);
    expect(reason.startsWith('station:securityKey.modelCompromised?')).toBe(true);
    const back = reasonAsError(reason);
    expect(back).toEqual({ kind: 'station', code: e.code, params: e.params });
    for (const lang of ['sv', 'en'] as const) {
      const text = errorMessage(lang, back!);
      expect(text).toBe(errorMessage(lang, { kind: 'station', code: e.code, params: e.params }));
      expect(text).toContain('Key: "A&B" ?x=1 (MDS)');
      expect(text).toContain('REVOKED');
      expect(text).not.toContain('{');
    }
  });

  it('a station error without params, transport and CTAP codes, and the own reasons', () => {
    expect(reasonAsError(stationReason(new StationError('securityKey.virtualKeyRefused')))).toEqual(
      { kind: 'station', code: 'securityKey.virtualKeyRefused' },
    );
    expect(reasonAsError('transport:io')).toEqual({ kind: 'transport', code: 'io' });
    expect(reasonAsError('ctap:PIN_INVALID')).toEqual({ kind: 'ctap', code: 'PIN_INVALID' });
    expect(reasonAsError('keyRemoved')).toBeNull();
    expect(reasonAsError('other:thing')).toBeNull();
  });
});
