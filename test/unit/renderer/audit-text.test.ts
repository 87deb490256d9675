/**
 * The audit viewer's details in sentences (renderer/src/pages/operator/auditText.ts): an
 * operator reads what happened, not the station's field names.
 */
import { describe, expect, it } from 'vitest';
import { describeAuditDetails } from '../../../renderer/src/pages/operator/auditText';

describe('audit details in sentences', () => {
  it('a registered method: its kind by name and its number, in both languages', () => {
    const details = { methodId: 14, kind: 'authenticatorApp', isDefault: false };
    expect(describeAuditDetails('sv', 'method.registered', details)).toBe(
      'Autentiseringsapp registrerades (metod nr 14).',
    );
    expect(describeAuditDetails('en', 'method.registered', details)).toBe(
      'Authenticator app was registered (method no. 14).',
    );
    expect(describeAuditDetails('sv', 'method.registered', { ...details, isDefault: true })).toBe(
      'Autentiseringsapp registrerades (metod nr 14). Den blev standardmetod.',
    );
  });

  it('extra facts become their own sentences; no raw key names for known facts', () => {
    const text = describeAuditDetails('sv', 'method.registered', {
      methodId: 3,
      kind: 'securityKey',
      isDefault: true,
      aaguid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8',
      model: 'YubiKey 5 NFC',
      attestationFormat: 'packed',
      mustChangeOnFirstUse: false,
    });
    expect(text).toContain('Säkerhetsnyckel registrerades (metod nr 3).');
    expect(text).toContain('Modell: YubiKey 5 NFC.');
    expect(text).not.toMatch(/\b(methodId|kind|isDefault|aaguid|mustChangeOnFirstUse)\b/);
  });

  it('passes, sign-ins, imports and edits read as sentences', () => {
    expect(
      describeAuditDetails('en', 'pass.issued', {
        oneTime: true,
        expiresAt: '2026-03-01T12:00:00.000Z',
        lifetimeMinutes: 480,
        replaced: false,
      }),
    ).toMatch(/^A one-time pass was issued, valid for 480 minutes \(until .+\)\.$/);
    expect(
      describeAuditDetails('sv', 'operator.signedIn', { operatorId: 1, method: 'securityKey' }),
    ).toBe('Operatör nr 1 loggade in med säkerhetsnyckel.');
    expect(
      describeAuditDetails('sv', 'roster.imported', { created: 3, updated: 0, rejected: 1 }),
    ).toBe('3 nya och 0 uppdaterade personer. Överhoppade rader med fel: 1.');
    expect(describeAuditDetails('en', 'person.updated', { fields: 'department,displayName' })).toBe(
      'Changed: department, name.',
    );
    expect(describeAuditDetails('sv', 'settings.changed', { key: 'kiosk', value: true })).toBe(
      'Inställningen kioskläge ändrades. Påslagen.',
    );
  });

  it('password locks and their lifting read as sentences', () => {
    expect(describeAuditDetails('sv', 'operator.lockedOut', { operatorId: 2, failures: 10 })).toBe(
      'Operatör nr 2 spärrades efter 10 felaktiga lösenord i följd.',
    );
    expect(describeAuditDetails('en', 'operator.lockoutLifted', { operatorId: 2, by: '1' })).toBe(
      'The password lock of operator no. 2 was lifted by operator no. 1.',
    );
  });

  it('a fact the catalog does not know is still shown, and an action without details is empty', () => {
    expect(describeAuditDetails('en', 'some.newAction', { widgets: 2 })).toBe('widgets: 2.');
    expect(describeAuditDetails('sv', 'pass.revoked', {})).toBe('');
  });
});
