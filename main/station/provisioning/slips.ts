/**
 * PIN slips (docs/PROVISIONING.md "PIN slips"): one A6-sized slip per person on A4 pages — name,
 * UPN, key model and serial where known, the PIN, and the instruction to change it at first use.
 * Made in memory with pdf-lib and handed to the operator once; the station never writes it to
 * the registry or a log. Each page carries the credential ids of its slips in the document's
 * keywords, so a resumed headless run can tell which people already have their slip.
 */
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';

export interface PinSlip {
  readonly displayName: string;
  readonly upn: string;
  readonly model: string;
  readonly serial: string | null;
  readonly pin: string;
  /** Which registration the slip belongs to (not printed). */
  readonly credentialId: string;
}

export interface SlipTexts {
  readonly title: string;
  readonly name: string;
  readonly upn: string;
  readonly key: string;
  readonly serial: string;
  readonly pin: string;
  readonly changeAtFirstUse: string;
}

export const SLIP_TEXTS: Record<'sv' | 'en', SlipTexts> = {
  sv: {
    title: 'Din säkerhetsnyckel',
    name: 'Namn',
    upn: 'Konto',
    key: 'Nyckel',
    serial: 'Serienummer',
    pin: 'PIN-kod',
    changeAtFirstUse: 'Byt PIN-koden första gången du använder nyckeln.',
  },
  en: {
    title: 'Your security key',
    name: 'Name',
    upn: 'Account',
    key: 'Key',
    serial: 'Serial',
    pin: 'PIN',
    changeAtFirstUse: 'Change the PIN the first time you use the key.',
  },
};

const MARKER = 'keystation-slip:';
const A4: [number, number] = [595.28, 841.89];

/** Credential ids of the slips already in a PDF made by `pinSlipsPdf` / `appendPinSlips`. */
export async function slipCredentialIds(pdf: Uint8Array): Promise<Set<string>> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const kw = doc.getKeywords() ?? '';
  return new Set(
    kw
      .split(/\s+/)
      .filter((k) => k.startsWith(MARKER))
      .map((k) => k.slice(MARKER.length)),
  );
}

/** A new PDF with the slips, or `existing` with them added (the slips of a resumed run). */
export async function pinSlipsPdf(
  slips: readonly PinSlip[],
  opts: { language?: 'sv' | 'en'; existing?: Uint8Array; now?: Date } = {},
): Promise<Uint8Array> {
  const t = SLIP_TEXTS[opts.language ?? 'sv'];
  const doc = opts.existing
    ? await PDFDocument.load(opts.existing, { updateMetadata: false })
    : await PDFDocument.create({ updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const mono = await doc.embedFont(StandardFonts.CourierBold);
  const ids = new Set(opts.existing ? await slipCredentialIds(opts.existing) : []);
  // WinAnsi (the standard fonts) has å ä ö é; anything else on a slip becomes '?'.
  const safe = (s: string) => s.replace(/[^\u0020-\u007e\u00a0-\u00ff]/g, '?');
  for (const s of slips) {
    const page = doc.addPage(A4);
    const x = 56;
    let y = A4[1] - 80;
    page.drawRectangle({
      x: x - 16,
      y: y - 250,
      width: A4[0] - 2 * (x - 16),
      height: 290,
      borderColor: rgb(0.2, 0.2, 0.2),
      borderWidth: 1,
      borderDashArray: [4, 4],
    });
    page.drawText(safe(t.title), { x, y, size: 20, font: bold });
    y -= 40;
    const line = (label: string, value: string) => {
      page.drawText(`${safe(label)}:`, { x, y, size: 12, font });
      page.drawText(safe(value), { x: x + 110, y, size: 12, font: bold });
      y -= 22;
    };
    line(t.name, s.displayName);
    line(t.upn, s.upn);
    line(t.key, s.model);
    if (s.serial) line(t.serial, s.serial);
    y -= 10;
    page.drawText(`${safe(t.pin)}:`, { x, y, size: 14, font });
    page.drawText(s.pin, { x: x + 110, y: y - 4, size: 28, font: mono });
    y -= 50;
    page.drawText(safe(t.changeAtFirstUse), { x, y, size: 12, font: bold });
    ids.add(s.credentialId);
  }
  doc.setTitle(t.title);
  doc.setProducer('Keystation');
  doc.setKeywords([...ids].map((id) => `${MARKER}${id}`));
  if (opts.now) {
    doc.setCreationDate(opts.now);
    doc.setModificationDate(opts.now);
  }
  return doc.save();
}
