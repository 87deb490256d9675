/** Shared setup for the provisioning tests: a test provider with people, UDP virtual keys, PDF reading. */
import { PDFDocument, PDFRawStream, PDFName, decodePDFRawStream } from 'pdf-lib';
import {
  startGraphProvider,
  type GraphProvider,
  type SeededApp,
  type SeededTenant,
} from '../../support/graph-provider';
import { startUdpVirtualKey, type UdpVirtualKey } from '../../../native/virtual-key';

export interface World {
  provider: GraphProvider;
  tenant: SeededTenant;
  app: SeededApp;
  upns: string[];
  close(): Promise<void>;
}

export async function startWorld(people: number): Promise<World> {
  // The kill test spends minutes (more on a loaded machine) without asking the provider
  // anything; the tests close it themselves, the idle timer is only a backstop.
  const provider = await startGraphProvider({ idleTimeoutMs: 20 * 60_000 });
  const tenant = provider.addTenant();
  const app = tenant.addApp({ secret: true });
  const { users } = tenant.addPeople(people, { methods: [] });
  return {
    provider,
    tenant,
    app,
    upns: users.map((u) => u.userPrincipalName),
    close: () => provider.close(),
  };
}

/** The provider's creation-options replies as JSON lines, each with the person's id and UPN. */
export function optionsJsonl(w: World, upns: string[], minutes = 60): string {
  return upns
    .map((upn) => {
      const reply = w.tenant.issueCreationOptions(upn, minutes);
      return JSON.stringify({ userId: w.tenant.user(upn).id, upn, ...reply });
    })
    .join('\n');
}

export async function startKeys(
  n: number,
  opts: { keyTimeMs?: number } = {},
): Promise<UdpVirtualKey[]> {
  const keys: UdpVirtualKey[] = [];
  for (let i = 0; i < n; i++)
    keys.push(
      await startUdpVirtualKey({
        port: 0,
        // A test hub: keys stay powered, so a reset is always inside the window.
        resetWindowMs: 24 * 3600_000,
        ...(opts.keyTimeMs ? { keyTimeMs: opts.keyTimeMs } : {}),
      }),
    );
  return keys;
}

/** Each slip page's text runs (pdf-lib writes standard-font text as hex strings). */
export async function slipPages(pdf: Uint8Array): Promise<string[][]> {
  const doc = await PDFDocument.load(pdf);
  return doc.getPages().map((page) => {
    const contents = page.node.Contents();
    const streams: PDFRawStream[] = [];
    const add = (o: unknown) => {
      const s = o instanceof PDFRawStream ? o : doc.context.lookup(o as never);
      if (s instanceof PDFRawStream) streams.push(s);
    };
    if (contents && 'asArray' in contents)
      (contents as { asArray(): unknown[] }).asArray().forEach(add);
    else add(contents);
    const texts: string[] = [];
    for (const s of streams) {
      const filter = s.dict.get(PDFName.of('Filter'));
      const bytes = filter ? decodePDFRawStream(s).decode() : s.contents;
      const src = Buffer.from(bytes).toString('latin1');
      for (const m of src.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g))
        texts.push(Buffer.from(m[1], 'hex').toString('latin1'));
    }
    return texts;
  });
}

/** UPN → PIN from the slips (the PIN is the run after the PIN label). */
export async function pinsFromSlips(pdf: Uint8Array): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const texts of await slipPages(pdf)) {
    const upn = texts.find((t) => t.includes('@')) ?? '';
    const pin = texts.find((t) => /^\d{4,63}$/.test(t)) ?? '';
    out.set(upn, [...(out.get(upn) ?? []), pin]);
  }
  return out;
}
