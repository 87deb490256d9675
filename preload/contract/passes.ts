import { z } from 'zod';
import { call } from './define';
import { personIdSchema } from './people';
import type { PassState } from './roster';

/** A pass as issued: the only time its code is ever shown (DESIGN.md §3.8). */
export interface IssuedPass {
  personId: string;
  upn: string;
  displayName: string;
  pass: string;
  expiresAt: string;
  oneTime: boolean;
  /** QR of the UPN and pass for the printed slip, as an SVG document. */
  qrSvg: string;
}

export const passLifetimes = [60, 240, 480, 1440, 10080] as const;

export const passesCalls = {
  issue: call(
    z
      .object({
        personId: personIdSchema,
        lifetimeMinutes: z.number().int().min(10).max(43_200),
        oneTime: z.boolean(),
      })
      .strict(),
  ).returns<IssuedPass>(),
  status: call(z.object({ personId: personIdSchema }).strict()).returns<PassState | null>(),
  revoke: call(z.object({ personId: personIdSchema }).strict()).returns<PassState | null>(),
};
