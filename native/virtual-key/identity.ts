/**
 * The virtual key's identity. Its AAGUID is its own (never a real vendor's), so a station in
 * production mode can recognise and refuse it, and the UI can label it "Virtual key (demo)".
 */
export const VIRTUAL_KEY_AAGUID = 'a8d6d8f2-5b9c-4e3a-9c71-4b657973744e';
export const VIRTUAL_KEY_MODEL_NAME = 'Keystation Virtual Key';
