import { VIRTUAL_KEY_AAGUID, VIRTUAL_KEY_MODEL_NAME } from '../../../native/virtual-key/identity';

/**
 * Model names for AAGUIDs the station is likely to meet (from the vendors' published AAGUID
 * lists / FIDO MDS). Unknown AAGUIDs show as "Security key".
 */
const KNOWN_MODELS: Readonly<Record<string, string>> = {
  [VIRTUAL_KEY_AAGUID]: VIRTUAL_KEY_MODEL_NAME,
  'cb69481e-8ff7-4039-93ec-0a2729a154a8': 'YubiKey 5 Series',
  'ee882879-721c-4913-9775-3dfcce97072a': 'YubiKey 5 NFC',
  'fa2b99dc-9e39-4257-8f92-4a30d23c4118': 'YubiKey 5 NFC',
  '2fc0579f-8113-47ea-b116-bb5a8db9202a': 'YubiKey 5 NFC',
  'c5ef55ff-ad9a-4b9f-b580-adebafe026d0': 'YubiKey 5Ci',
  '73bb0cd4-e502-49b8-9c6f-b59445bf720b': 'YubiKey 5 FIPS Series',
  'd8522d9f-575b-4866-88a9-ba99fa02f35b': 'YubiKey Bio Series',
  'b92c3f9a-c014-4056-887f-140a2501163b': 'Security Key by Yubico',
  '149a2021-8ef6-4133-96b8-81f8d5b7f1f5': 'Security Key NFC by Yubico',
  'a4e9fc6d-4cbe-4758-b8ba-37598bb5bbaa': 'Security Key NFC by Yubico',
  '0bb43545-fd2c-4185-87dd-feb0b2916ace': 'Security Key NFC by Yubico (Enterprise)',
  'ee041bce-25e5-4cdb-8f86-897fd6418464': 'Feitian ePass FIDO2',
  '2c0df832-92de-4be1-8412-88a8f074df4a': 'Feitian FIDO Smart Card',
  'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4': 'Google Titan Security Key',
  '9876631b-d4a0-427f-5773-0ec71c9e0279': 'SoloKeys Solo 2',
  '8876631b-d4a0-427f-5773-0ec71c9e0279': 'SoloKeys Solo',
  'd821a7d4-e97c-4cb6-bd82-4237731fd4be': 'Hyper FIDO Bio',
};

export function modelName(aaguid: string): string {
  return KNOWN_MODELS[aaguid.toLowerCase()] ?? 'Security key';
}
