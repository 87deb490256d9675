/**
 * The Electron IPC adapter: contract entries → ipcMain.handle (VS Code's validatedIpcMain for
 * the sender checks). Only the contract's channels get a handler, so any other channel is
 * refused by Electron itself. Every call is checked before it reaches the dispatcher:
 *   - the sender is our window's webContents,
 *   - the call comes from its main frame (not an iframe),
 *   - that frame shows our renderer origin,
 *   - there is exactly one argument (the dispatcher then validates it with zod).
 * A refused call gets a typed error result; nothing here throws back into Electron.
 */
import type { CallContext, Dispatch } from '../api/dispatch';
import type { Result } from '../../preload/contract';
import { contractChannels } from '../api/dispatch';
import { isRendererUrl } from './renderer-origin';

/** The parts of Electron's IpcMainInvokeEvent we check (a fake in unit tests). */
export interface InvokeEventLike {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}

export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>,
  ): void;
  removeHandler(channel: string): void;
}

export interface TrustedRenderer {
  /** Our window's webContents id, or undefined while there is no window. */
  webContentsId(): number | undefined;
  origin: string;
}

export type SenderVerdict = 'trusted' | 'wrongSender' | 'notMainFrame' | 'wrongOrigin';

export function checkSender(event: InvokeEventLike, trusted: TrustedRenderer): SenderVerdict {
  const ours = trusted.webContentsId();
  if (ours === undefined || event.sender?.id !== ours) return 'wrongSender';
  const frame = event.senderFrame;
  // A destroyed or navigated-away frame is null; a subframe has a parent.
  if (!frame || frame.parent !== null) return 'notMainFrame';
  if (!isRendererUrl(frame.url, trusted.origin)) return 'wrongOrigin';
  return 'trusted';
}

export function registerContractIpc(
  ipcMain: IpcMainLike,
  dispatch: Dispatch,
  trusted: TrustedRenderer,
  contextFor: (event: InvokeEventLike) => CallContext,
  onRefused: (channel: string, verdict: SenderVerdict) => void = () => {},
): () => void {
  const channels = contractChannels();
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, ...args): Promise<Result<unknown>> => {
      try {
        const verdict = checkSender(event, trusted);
        if (verdict !== 'trusted') {
          onRefused(channel, verdict);
          return { ok: false, error: { kind: 'validation', code: 'untrustedSender' } };
        }
        if (args.length !== 1) {
          return {
            ok: false,
            error: {
              kind: 'validation',
              code: 'invalidArguments',
              params: { path: '(root)', issue: 'arity', issues: 1 },
            },
          };
        }
        return await dispatch(channel, args[0], contextFor(event));
      } catch {
        return { ok: false, error: { kind: 'internal', code: 'unexpected' } };
      }
    });
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
