/**
 * The raster images Roundtable previews (PNG, JPEG, GIF, WebP), recognised by their bytes and never
 * by a name or a declared type: the server decides a shared file's type with this, and the app
 * checks the bytes again before it decodes a preview. Pure code on bytes (no Node, no DOM), so both
 * ends run the same rules. Only headers are read: nothing is decompressed here.
 */
export const PREVIEW_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type PreviewType = (typeof PREVIEW_TYPES)[number];

/** The bytes to read to recognise an image and find its size (JPEG metadata can come first). */
export const IMAGE_HEAD_BYTES = 1024 * 1024;

const EXTENSIONS: Record<string, PreviewType> = {
  png: 'image/png',
  apng: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  jpe: 'image/jpeg',
  jfif: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0): boolean => prefix.every((b, i) => bytes[at + i] === b);
const ascii = (bytes: Uint8Array, at: number, text: string): boolean =>
  startsWith(
    bytes,
    Array.from(text, (c) => c.charCodeAt(0)),
    at,
  );
const be16 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
const le16 = (b: Uint8Array, at: number): number => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
const le24 = (b: Uint8Array, at: number): number => le16(b, at) | ((b[at + 2] ?? 0) << 16);
const be32 = (b: Uint8Array, at: number): number => be16(b, at) * 65536 + be16(b, at + 2);

/** Which of the preview types the bytes are, by their signature; null for anything else. */
export function previewTypeOf(bytes: Uint8Array): PreviewType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii(bytes, 0, 'GIF87a') || ascii(bytes, 0, 'GIF89a')) return 'image/gif';
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return 'image/webp';
  return null;
}

/** The image's size from its header, or null when the header does not say (truncated, unusual). */
function dimensions(type: PreviewType, b: Uint8Array): { width: number; height: number } | null {
  switch (type) {
    case 'image/png':
      return ascii(b, 12, 'IHDR') && b.length >= 24 ? { width: be32(b, 16), height: be32(b, 20) } : null;
    case 'image/gif':
      return b.length >= 10 ? { width: le16(b, 6), height: le16(b, 8) } : null;
    case 'image/webp':
      if (ascii(b, 12, 'VP8X') && b.length >= 30) return { width: 1 + le24(b, 24), height: 1 + le24(b, 27) };
      if (ascii(b, 12, 'VP8L') && b.length >= 25 && b[20] === 0x2f) {
        const b1 = b[21]!;
        const b2 = b[22]!;
        const b3 = b[23]!;
        const b4 = b[24]!;
        return { width: 1 + (((b2 & 0x3f) << 8) | b1), height: 1 + (((b4 & 0x0f) << 10) | (b3 << 2) | ((b2 & 0xc0) >> 6)) };
      }
      if (ascii(b, 12, 'VP8 ') && b.length >= 30 && startsWith(b, [0x9d, 0x01, 0x2a], 23)) {
        return { width: le16(b, 26) & 0x3fff, height: le16(b, 28) & 0x3fff };
      }
      return null;
    case 'image/jpeg': {
      // Walk the segments to the first start-of-frame (SOF0-SOF15 but DHT, JPG and DAC).
      let at = 2;
      while (at + 9 < b.length) {
        if (b[at] !== 0xff) return null;
        const marker = b[at + 1]!;
        if (marker === 0xff) {
          at += 1;
          continue;
        }
        if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
          at += 2;
          continue;
        }
        if (marker === 0xd9 || marker === 0xda) return null;
        if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
          return { width: be16(b, at + 7), height: be16(b, at + 5) };
        }
        at += 2 + be16(b, at + 2);
      }
      return null;
    }
  }
}

export interface ImageInfo {
  type: PreviewType;
  /** Its size, when the header says it and it is small enough to preview. */
  size: { width: number; height: number } | null;
}

/** What the bytes are, if one of the preview types, and whether they may be previewed. */
export function sniffImage(head: Uint8Array, maxPixels: number): ImageInfo | null {
  const type = previewTypeOf(head);
  if (!type) return null;
  const size = dimensions(type, head);
  const fits = size !== null && size.width > 0 && size.height > 0 && size.width * size.height <= maxPixels;
  return { type, size: fits ? size : null };
}

/**
 * The preview type a file claims to be, by its declared type or its name's extension: such a file
 * must really be that kind of image (a page named cat.png is refused).
 */
export function claimedPreviewType(name: string, type: string): PreviewType | null {
  const declared = (PREVIEW_TYPES as readonly string[]).includes(type)
    ? (type as PreviewType)
    : type === 'image/jpg' || type === 'image/pjpeg'
      ? 'image/jpeg'
      : null;
  if (declared) return declared;
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1]?.toLowerCase();
  return (ext && Object.hasOwn(EXTENSIONS, ext) ? EXTENSIONS[ext] : null) ?? null;
}
