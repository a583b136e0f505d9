import { describe, expect, it } from 'vitest';
import { claimedPreviewType, cleanFileName, FileNameSchema, previewTypeOf, sniffImage } from '../src/protocol/index.js';
import { attachmentHeader, servedType } from '../src/files/http.js';
import { png } from './support/files.js';

describe('recognising images by their bytes', () => {
  const jpeg = (width: number, height: number): Uint8Array =>
    // SOI, an APP0 segment, then SOF0 with the size.
    new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, height >> 8, height & 255, width >> 8, width & 255, 3, 1, 0x22, 0]);
  const gif = new Uint8Array([...Buffer.from('GIF89a'), 40, 1, 30, 0, 0, 0, 0]);
  const webpX = new Uint8Array([...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WEBPVP8X'), 10, 0, 0, 0, 0, 0, 0, 0, 99, 0, 0, 49, 0, 0]);

  it('reads the size of PNG, JPEG, GIF and WebP from their headers', () => {
    expect(sniffImage(png(64, 48), 1e6)).toEqual({ type: 'image/png', size: { width: 64, height: 48 } });
    expect(sniffImage(jpeg(1920, 1080), 1e7)).toEqual({ type: 'image/jpeg', size: { width: 1920, height: 1080 } });
    expect(sniffImage(gif, 1e6)).toEqual({ type: 'image/gif', size: { width: 296, height: 30 } });
    expect(sniffImage(webpX, 1e6)).toEqual({ type: 'image/webp', size: { width: 100, height: 50 } });
  });

  it('does not offer a preview for an image too large to decode safely, or whose header says nothing', () => {
    expect(sniffImage(png(100_000, 100_000, [0, 0, 0], true), 50_000_000)).toEqual({ type: 'image/png', size: null });
    expect(sniffImage(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]), 1e6)).toEqual({ type: 'image/jpeg', size: null });
  });

  it('never takes markup, SVG or a PDF for an image', () => {
    for (const text of ['<svg xmlns="http://www.w3.org/2000/svg"/>', '<!doctype html><img src=x>', '%PDF-1.4', 'GIF8', '']) {
      expect(previewTypeOf(Buffer.from(text)), text).toBeNull();
    }
  });

  it('knows which files claim to be an image: by declared type, else by name', () => {
    expect(claimedPreviewType('cat.png', '')).toBe('image/png');
    expect(claimedPreviewType('cat.JPEG', 'application/octet-stream')).toBe('image/jpeg');
    expect(claimedPreviewType('cat', 'image/webp')).toBe('image/webp');
    expect(claimedPreviewType('drawing.svg', 'image/svg+xml')).toBeNull();
    expect(claimedPreviewType('report.pdf', 'application/pdf')).toBeNull();
  });
});

describe('file names', () => {
  it('are cleaned of folders, control and invisible characters, and kept to 255 characters with their extension', () => {
    expect(cleanFileName('../../etc/passwd')).toBe('.._.._etc_passwd');
    expect(cleanFileName('invoice\u202efdp.exe')).toBe('invoicefdp.exe');
    expect(cleanFileName('a\u0000b\u200b.txt')).toBe('ab.txt');
    expect(cleanFileName('  ')).toBe('file');
    const long = cleanFileName(`${'ж'.repeat(300)}.pdf`);
    expect(long).toHaveLength(255);
    expect(long.endsWith('.pdf')).toBe(true);
    expect(cleanFileName(`${'😀'.repeat(200)}.png`)).toMatch(/^(😀)+\.png$/u);
  });

  it('the server takes only clean names', () => {
    expect(FileNameSchema.safeParse('Report Q3 – final.pdf').success).toBe(true);
    for (const name of ['a/b', 'x\u202e', '', '..']) expect(FileNameSchema.safeParse(name).success, name).toBe(false);
  });

  it('go into Content-Disposition safely, as an attachment', () => {
    expect(attachmentHeader('a "b"; c\r\n.txt')).toBe(`attachment; filename="a _b__ c__.txt"; filename*=UTF-8''a%20%22b%22%3B%20c%0D%0A.txt`);
    expect(attachmentHeader('отчёт (1).pdf')).toBe(`attachment; filename="_____ (1).pdf"; filename*=UTF-8''%D0%BE%D1%82%D1%87%D1%91%D1%82%20%281%29.pdf`);
  });

  it('are served as bytes unless they are one of the checked image types', () => {
    expect(servedType({ type: 'text/html' })).toBe('application/octet-stream');
    expect(servedType({ type: 'image/svg+xml' })).toBe('application/octet-stream');
    expect(servedType({ type: 'application/pdf' })).toBe('application/octet-stream');
    expect(servedType({ type: 'image/png' })).toBe('image/png');
  });
});
