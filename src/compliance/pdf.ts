import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type fontkit from '@pdf-lib/fontkit';
import type { PDFDocument, PDFFont, PDFPage } from 'pdf-lib';

/**
 * PDF documents (contracts, suspicious-transaction reports, a user's data export) written with
 * pdf-lib and a CJK TrueType font that ships in an npm package, so that Chinese renders on a fresh
 * machine with no fonts installed. Only the glyphs used are embedded (a subset), with a ToUnicode
 * map, so the text can be extracted back (a test does).
 *
 * The output is deterministic: the same document gives the same bytes, so a PDF's SHA-256 can be
 * recorded once and a copy checked against it. Dates in the PDF's metadata come from the document,
 * never from the clock, and pdf-lib's own "modified now" stamp is switched off.
 */
export interface PdfDocument {
  readonly title: string;
  /** Recorded as the PDF's creation and modification dates. */
  readonly createdAt: Date;
  readonly author?: string;
  readonly blocks: readonly PdfBlock[];
  /** A line at the foot of every page, beside "page n / m" (a contract's number, say). */
  readonly footer?: string;
}

export type PdfBlock =
  | { readonly kind: 'heading'; readonly text: string }
  | { readonly kind: 'paragraph'; readonly text: string }
  /** Label and value pairs, one per line. */
  | { readonly kind: 'fields'; readonly rows: readonly (readonly [string, string])[] }
  /** A table: a header row and body rows; columns share the width equally unless widths (fractions) are given. */
  | {
      readonly kind: 'table';
      readonly header: readonly string[];
      readonly rows: readonly (readonly string[])[];
      readonly widths?: readonly number[];
    }
  | { readonly kind: 'space' };

const require = createRequire(import.meta.url);
let fontBytes: Uint8Array | null = null;

/** Noto Sans SC (SIL Open Font License), read once per process. */
function cjkFont(): Uint8Array {
  fontBytes ??= readFileSync(
    require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'),
  );
  return fontBytes;
}

/**
 * pdf-lib and fontkit, loaded on the first render: together they take seconds to import (fontkit
 * carries its Unicode tables), which every process that starts netfin and every test file paid,
 * whether or not it ever wrote a PDF.
 */
interface PdfLibraries {
  readonly pdf: typeof import('pdf-lib');
  readonly fontkit: typeof fontkit;
}
let libraries: Promise<PdfLibraries> | null = null;
function pdfLibraries(): Promise<PdfLibraries> {
  libraries ??= Promise.all([import('pdf-lib'), import('@pdf-lib/fontkit')]).then(([pdf, kit]) => ({
    pdf,
    fontkit: onceParsed(kit.default),
  }));
  return libraries;
}

/**
 * fontkit as pdf-lib sees it, parsing the font once per process. fontkit copies the 10 MB font byte
 * by byte and parses its layout tables again for every font it creates, which was most of a
 * contract's rendering time; the parsed font is only read afterwards (each document takes its own
 * subset of it), so every document shares one.
 */
let parsedFont: Font | null = null;
function onceParsed(kit: typeof fontkit): typeof fontkit {
  return {
    create(data, postscriptName) {
      if (data !== cjkFont() || postscriptName !== undefined) return kit.create(data, postscriptName);
      parsedFont ??= rememberingLayouts(kit.create(data));
      return parsedFont;
    },
  };
}

/** Lines laid out, kept across documents; the oldest half is dropped beyond this many. */
const LAYOUTS_KEPT = 20_000;

/**
 * The font's layout of a text, once per process: pdf-lib lays out every line it measures or draws
 * (the glyph substitution and positioning tables, most of what is left of a render), and contracts
 * share most of their lines. pdf-lib only reads the glyphs of a layout, so one serves every document.
 */
type Font = ReturnType<typeof fontkit.create>;
function rememberingLayouts(font: Font): Font {
  const layout = font.layout.bind(font);
  const known = new Map<string, ReturnType<Font['layout']>>();
  font.layout = ((text: string, features?: Parameters<Font['layout']>[1]) => {
    if (features !== undefined) return layout(text, features);
    let run = known.get(text);
    if (run === undefined) {
      if (known.size >= LAYOUTS_KEPT)
        for (const key of [...known.keys()].slice(0, LAYOUTS_KEPT / 2)) known.delete(key);
      run = layout(text);
      known.set(text, run);
    }
    return run;
  }) as Font['layout'];
  return font;
}

const PAGE_WIDTH = 595.28; // A4 in points
const PAGE_HEIGHT = 841.89;
const MARGIN = 56;
const BODY_SIZE = 10;
const HEADING_SIZE = 13;
const TITLE_SIZE = 17;
const LINE_GAP = 1.45;

/**
 * Widths of the pieces lines are made of, each laid out by the font once per document. A line's width
 * is the sum of its pieces' widths, kept as the line grows, so wrapping costs one layout per distinct
 * piece instead of one per candidate line (which made a long contract quadratic in its length). Pieces
 * meet at spaces or between Han characters, where the font has no kerning pairs to lose.
 */
const widthCache = new WeakMap<PDFFont, Map<string, number>>();

function pieceWidth(font: PDFFont, piece: string, size: number): number {
  let widths = widthCache.get(font);
  if (!widths) {
    widths = new Map();
    widthCache.set(font, widths);
  }
  let width = widths.get(piece);
  if (width === undefined) {
    width = font.widthOfTextAtSize(piece, 1000);
    widths.set(piece, width);
  }
  return (width * size) / 1000;
}

/** Splits text into lines no wider than `width`: at spaces for Latin text, anywhere between Han characters. */
export function wrapText(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    let lineWidth = 0;
    // Tokens: a run of non-space Latin characters stays whole; each Han character (or other wide
    // character) is its own token; spaces are tokens too.
    const tokens = paragraph.match(/[\u0021-\u007e\u00a0-\u024f]+|\s+|./gu) ?? [];
    for (const token of tokens) {
      const tokenWidth = pieceWidth(font, token, size);
      if (line === '' || lineWidth + tokenWidth <= width) {
        line += token;
        lineWidth += tokenWidth;
        continue;
      }
      lines.push(line.trimEnd());
      [line, lineWidth] = token.trim() === '' ? ['', 0] : [token, tokenWidth];
      // A single token wider than the line (a long id) is cut by characters.
      if (lineWidth > width && line.length > 1) {
        const chars = Array.from(line);
        line = '';
        lineWidth = 0;
        for (const char of chars) {
          const charWidth = pieceWidth(font, char, size);
          if (line !== '' && lineWidth + charWidth > width) {
            lines.push(line);
            line = '';
            lineWidth = 0;
          }
          line += char;
          lineWidth += charWidth;
        }
      }
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

class Writer {
  private page!: PDFPage;
  private y = 0;
  readonly pages: PDFPage[] = [];

  constructor(
    private readonly doc: PDFDocument,
    readonly font: PDFFont,
    private readonly rgb: PdfLibraries['pdf']['rgb'],
  ) {
    this.newPage();
  }

  newPage(): void {
    this.page = this.doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    this.pages.push(this.page);
    this.y = PAGE_HEIGHT - MARGIN;
  }

  private room(height: number): void {
    if (this.y - height < MARGIN + 20) this.newPage();
  }

  line(text: string, size: number, x = MARGIN): void {
    const height = size * LINE_GAP;
    this.room(height);
    this.y -= height;
    if (text !== '')
      this.page.drawText(text, { x, y: this.y, size, font: this.font, color: this.rgb(0.1, 0.1, 0.12) });
  }

  gap(points: number): void {
    this.y -= points;
  }

  /** One table row: cells wrapped within their columns, the row kept on one page. */
  row(cells: readonly string[], widths: readonly number[], size: number): void {
    const usable = PAGE_WIDTH - 2 * MARGIN;
    const columns = cells.map((cell, i) => wrapText(cell, this.font, size, usable * widths[i]! - 6));
    const height = Math.max(...columns.map((c) => c.length)) * size * LINE_GAP;
    this.room(height);
    let x = MARGIN;
    columns.forEach((lines, i) => {
      lines.forEach((text, n) => {
        if (text !== '')
          this.page.drawText(text, { x, y: this.y - (n + 1) * size * LINE_GAP, size, font: this.font });
      });
      x += usable * widths[i]!;
    });
    this.y -= height + 2;
  }
}

/** Renders a document to PDF bytes (deterministic for the same document). */
export async function renderPdf(document: PdfDocument): Promise<Uint8Array> {
  const { pdf, fontkit } = await pdfLibraries();
  const { rgb } = pdf;
  const doc = await pdf.PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(cjkFont(), { subset: true });
  doc.setTitle(document.title);
  doc.setAuthor(document.author ?? 'netfin');
  doc.setProducer('netfin');
  doc.setCreator('netfin');
  doc.setCreationDate(document.createdAt);
  doc.setModificationDate(document.createdAt);
  const usable = PAGE_WIDTH - 2 * MARGIN;
  const writer = new Writer(doc, font, rgb);
  for (const text of wrapText(document.title, font, TITLE_SIZE, usable)) writer.line(text, TITLE_SIZE);
  writer.gap(8);
  for (const block of document.blocks) {
    switch (block.kind) {
      case 'heading':
        writer.gap(6);
        for (const text of wrapText(block.text, font, HEADING_SIZE, usable)) writer.line(text, HEADING_SIZE);
        writer.gap(2);
        break;
      case 'paragraph':
        for (const text of wrapText(block.text, font, BODY_SIZE, usable)) writer.line(text, BODY_SIZE);
        writer.gap(4);
        break;
      case 'fields':
        for (const [label, value] of block.rows) writer.row([label, value], [0.32, 0.68], BODY_SIZE);
        writer.gap(4);
        break;
      case 'table': {
        const count = block.header.length;
        const widths = block.widths ?? Array.from({ length: count }, () => 1 / count);
        writer.row(block.header, widths, BODY_SIZE - 1);
        for (const row of block.rows) writer.row(row, widths, BODY_SIZE - 1);
        writer.gap(4);
        break;
      }
      case 'space':
        writer.gap(BODY_SIZE);
        break;
    }
  }
  const total = writer.pages.length;
  writer.pages.forEach((page, index) => {
    const text = `${document.footer ? `${document.footer}    ` : ''}${index + 1} / ${total}`;
    const width = font.widthOfTextAtSize(text, 8);
    page.drawText(text, {
      x: PAGE_WIDTH - MARGIN - width,
      y: MARGIN - 20,
      size: 8,
      font,
      color: rgb(0.4, 0.4, 0.45),
    });
  });
  return doc.save({ useObjectStreams: false });
}
