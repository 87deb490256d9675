/**
 * FIDO metadata on the Security keys page (docs/KEYS.md "Key manager"): the operator imports a
 * signed MDS3 BLOB made for the test (its own root, test/support/mds/blob.ts) and sees the
 * import summary; the virtual key's model, reported REVOKED, is flagged in the list and its
 * details, and a person's registration is refused with the same words; a BLOB changed after
 * signing gives the translated signature message and changes nothing. Screenshots are attached
 * to the test's results.
 */
import { writeFileSync } from 'node:fs';
import type { Page, TestInfo } from '@playwright/test';
import { VIRTUAL_KEY_AAGUID } from '../../native/client/keyModel';
import { makeMdsBlob, mdsTestSigner, tamperMdsBlob } from '../support/mds/blob';
import { expect, startStation, test } from './station';
import { msg, startAddMethod } from './methods-support';
import { keyError, openPerson } from './security-key-support';

const lang = 'en' as const;
const YUBIKEY_5 = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';

async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`key-metadata-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

test('the operator imports a signed FIDO metadata BLOB: summary, the revoked model flagged and refused; a changed BLOB changes nothing', async ({
  page,
}, testInfo) => {
  const signer = mdsTestSigner();
  const entries = (virtualKeyStatus: string) => [
    {
      aaguid: YUBIKEY_5,
      description: 'YubiKey 5 Series (MDS)',
      statusReports: [{ status: 'FIDO_CERTIFIED_L1', effectiveDate: '2024-01-01' }],
    },
    {
      aaguid: VIRTUAL_KEY_AAGUID,
      description: 'Keystation Virtual Key (MDS)',
      statusReports: [
        { status: 'FIDO_CERTIFIED_L1', effectiveDate: '2023-05-01' },
        { status: virtualKeyStatus, effectiveDate: '2025-02-01' },
      ],
    },
  ];
  const blobFile = testInfo.outputPath('mds-blob.jwt');
  const rootFile = testInfo.outputPath('mds-root.pem');
  const tamperedFile = testInfo.outputPath('mds-blob-changed.jwt');
  writeFileSync(blobFile, makeMdsBlob(signer, { no: 5, entries: entries('REVOKED') }));
  writeFileSync(rootFile, signer.ca.certPem);
  // A later BLOB that would clear the flag, its payload changed after signing.
  const later = makeMdsBlob(signer, { no: 6, entries: entries('FIDO_CERTIFIED_L2') });
  writeFileSync(
    tamperedFile,
    tamperMdsBlob(later, (p) => (p.no = 7)),
  );

  const station = await startStation(['--demo']);
  try {
    await page.goto(`${station.url}#/operator/keys`);
    const select = page.getByTestId('language-select');
    await expect(async () => {
      await select.selectOption(lang);
      await expect(page.locator('html')).toHaveAttribute('lang', lang, { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    const main = page.locator('main');
    const metadata = main.getByTestId('key-metadata');
    const keyList = main.getByTestId('key-list');
    await expect(metadata.getByTestId('metadata-state')).toHaveText(
      msg(lang, 'operator.keys.metadata.none'),
    );
    await expect(keyList.getByTestId('key-label')).toContainText('Keystation Virtual Key');
    await expect(keyList).not.toContainText(msg(lang, 'operator.keys.compromised'));
    await shot(page, testInfo, '01-before');

    // The good BLOB under its own root.
    await metadata.getByTestId('metadata-blob').setInputFiles(blobFile);
    await metadata.getByTestId('metadata-root').setInputFiles(rootFile);
    await metadata.getByTestId('metadata-import').click();
    await expect(metadata.getByTestId('metadata-result')).toHaveText(
      msg(lang, 'operator.keys.metadata.imported', { entries: 2, compromised: 1 }),
    );
    const imported = msg(lang, 'operator.keys.metadata.state', {
      serial: 5,
      entries: 2,
      nextUpdate: '2099-01-01',
    });
    await expect(metadata.getByTestId('metadata-state')).toHaveText(imported);
    await expect(metadata.getByTestId('metadata-flagged')).toContainText(
      `Keystation Virtual Key (MDS) — REVOKED (${VIRTUAL_KEY_AAGUID})`,
    );
    await expect(metadata.getByTestId('metadata-flagged')).not.toContainText('YubiKey');
    // The plugged-in key is the flagged model: named from the BLOB and marked in the list.
    await expect(keyList.getByTestId('key-label')).toContainText('Keystation Virtual Key (MDS)');
    await expect(keyList).toContainText(msg(lang, 'operator.keys.compromised'));
    await expect(main.getByTestId('key-details')).toContainText(
      msg(lang, 'operator.keys.compromisedModel', { status: 'REVOKED' }),
    );
    await shot(page, testInfo, '02-imported');

    // A BLOB changed after signing: the translated message, nothing changes.
    await metadata.getByTestId('metadata-blob').setInputFiles(tamperedFile);
    await metadata.getByTestId('metadata-import').click();
    await expect(metadata.getByTestId('metadata-error')).toHaveText(
      msg(lang, 'operator.keys.metadata.failed.signature'),
    );
    await expect(metadata.getByTestId('metadata-result')).toHaveCount(0);
    await expect(metadata.getByTestId('metadata-state')).toHaveText(imported);
    await expect(metadata.getByTestId('metadata-flagged')).toContainText('REVOKED');
    await expect(keyList).toContainText(msg(lang, 'operator.keys.compromised'));
    await shot(page, testInfo, '03-changed-blob-refused');
    // After a reload too: the registry still holds BLOB no. 5.
    await page.reload();
    await expect(page.getByTestId('key-metadata').getByTestId('metadata-state')).toHaveText(
      imported,
    );

    // A person's registration with the flagged key is refused in the same words.
    await openPerson(page, station, 'María García', lang);
    const dialog = await startAddMethod(page, lang, 'securityKey');
    await expect(
      dialog.getByRole('heading', { level: 3, name: msg(lang, 'securityKey.insert.title') }),
    ).toBeVisible();
    await dialog.getByRole('button', { name: msg(lang, 'common.next') }).click();
    await expect(keyError(dialog)).toContainText(
      msg(lang, 'errors.station.securityKey.modelCompromised', {
        model: 'Keystation Virtual Key (MDS)',
        status: 'REVOKED',
      }),
    );
    // …and told that trying again won't help (not "insert it again").
    await expect(dialog).toContainText(msg(lang, 'securityKey.next.securityKey.modelCompromised'));
    await shot(page, testInfo, '04-person-refused');
  } finally {
    await station.stop();
  }
});
