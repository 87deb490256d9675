/** CTAPHID (CTAP 2.1 §11.2) constants. */
export const CTAPHID_BROADCAST_CID = 0xffffffff;
export const INIT_PAYLOAD_SIZE = 64 - 7; // CID(4) + CMD(1) + BCNT(2)
export const CONT_PAYLOAD_SIZE = 64 - 5; // CID(4) + SEQ(1)
/** 57 + 128 × 59 (§11.2.4). */
export const MAX_MESSAGE_SIZE = INIT_PAYLOAD_SIZE + 128 * CONT_PAYLOAD_SIZE; // 7609

export const CtapHidCommand = {
  PING: 0x01,
  MSG: 0x03,
  LOCK: 0x04,
  INIT: 0x06,
  WINK: 0x08,
  CBOR: 0x10,
  CANCEL: 0x11,
  KEEPALIVE: 0x3b,
  ERROR: 0x3f,
} as const;

/** CTAPHID_ERROR codes (§11.2.9.1.6). */
export const CtapHidError = {
  INVALID_CMD: 0x01,
  INVALID_PAR: 0x02,
  INVALID_LEN: 0x03,
  INVALID_SEQ: 0x04,
  MSG_TIMEOUT: 0x05,
  CHANNEL_BUSY: 0x06,
  LOCK_REQUIRED: 0x0a,
  INVALID_CHANNEL: 0x0b,
  OTHER: 0x7f,
} as const;

/** KEEPALIVE status (§11.2.9.1.5). */
export const KeepaliveStatus = { PROCESSING: 1, UPNEEDED: 2 } as const;

/** INIT capability flags (§11.2.9.1.3). */
export const CtapHidCapability = { WINK: 0x01, CBOR: 0x04, NMSG: 0x08 } as const;
