/**
 * Commands that wait for a touch get the 30 s deadline even when a caller passes
 * `timeoutMs: undefined` (an absent CLI flag): spreading `{ timeoutMs: undefined }` over the
 * default used to leave the 5 s CTAPHID default — a person had 5 s to touch.
 */
import { describe, expect, it } from 'vitest';
import { makeCredential } from '../../../native/ctap2/credential';
import { getAssertion } from '../../../native/ctap2/assertion';
import {
  USER_PRESENCE_TIMEOUT_MS,
  type CborChannel,
  type CommandOptions,
} from '../../../native/ctap2/sendCbor';
import { CtapError } from '../../../native/ctap2/status';

function recordingChannel() {
  const seen: (CommandOptions | undefined)[] = [];
  const channel: CborChannel = {
    maxMsgSize: 1024,
    async sendCbor(_command, _params, options) {
      seen.push(options);
      throw new CtapError(0x2e); // NO_CREDENTIALS: the options are all we look at
    },
  };
  return { channel, seen };
}

const cdh = new Uint8Array(32);

describe('touch deadline', () => {
  it('makeCredential and getAssertion keep 30 s when timeoutMs is passed as undefined', async () => {
    const { channel, seen } = recordingChannel();
    await makeCredential(
      channel,
      { clientDataHash: cdh, rp: { id: 'example.com' }, user: { id: Uint8Array.of(1) } },
      { timeoutMs: undefined },
    ).catch(() => undefined);
    await getAssertion(
      channel,
      { rpId: 'example.com', clientDataHash: cdh },
      {
        timeoutMs: undefined,
      },
    ).catch(() => undefined);
    expect(seen.map((o) => o?.timeoutMs)).toEqual([
      USER_PRESENCE_TIMEOUT_MS,
      USER_PRESENCE_TIMEOUT_MS,
    ]);
    expect(USER_PRESENCE_TIMEOUT_MS).toBeGreaterThanOrEqual(30_000);
  });

  it('an explicit deadline still wins', async () => {
    const { channel, seen } = recordingChannel();
    await getAssertion(
      channel,
      { rpId: 'example.com', clientDataHash: cdh },
      {
        timeoutMs: 60_000,
      },
    ).catch(() => undefined);
    expect(seen[0]?.timeoutMs).toBe(60_000);
  });
});
