import { FILE_LIMITS, IMAGE_HEAD_BYTES, PREVIEW_TYPES, sniffImage, type ChatFile, type PreviewType } from '@roundtable/signaling-server/protocol';

/** One HTTP exchange with the meeting server's file endpoints: the status (0: no answer) and what came back. */
export interface TransferResult<T> {
  status: number;
  body: T;
}

/**
 * How the chat reaches the server's file endpoints (`/files/<id>`), the token always in an
 * `Authorization` header. The browser's (XMLHttpRequest for an upload's progress, fetch for a
 * download) unless a test gives another.
 */
export interface FileTransfer {
  upload(url: string, token: string, body: Blob, onProgress: (sent: number) => void, signal: AbortSignal): Promise<TransferResult<unknown>>;
  download(url: string, token: string): Promise<TransferResult<Blob | unknown>>;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export const browserFileTransfer: FileTransfer = {
  upload: (url, token, body, onProgress, signal) =>
    new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', url);
      xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.responseType = 'text';
      xhr.upload.onprogress = (event) => onProgress(event.loaded);
      xhr.onload = () => resolve({ status: xhr.status, body: parseJson(xhr.responseText) });
      xhr.onerror = () => resolve({ status: 0, body: null });
      xhr.onabort = () => reject(new DOMException('the upload was cancelled', 'AbortError'));
      signal.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(body);
    }),
  download: async (url, token) => {
    let response: Response;
    try {
      // No cookies, no referrer: the token is the only credential.
      response = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store' });
    } catch {
      return { status: 0, body: null };
    }
    if (response.ok) return { status: response.status, body: await response.blob() };
    return { status: response.status, body: parseJson(await response.text()) };
  },
};

/** Hex SHA-256 of `bytes`, or null where the browser has no WebCrypto (a page that is not a secure context). */
export async function sha256Hex(bytes: ArrayBuffer): Promise<string | null> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The box a preview fits in, in pixels. */
export const PREVIEW_BOX = { width: 320, height: 240 };

/** The size a `width` x `height` image is drawn at to fit the preview box (never enlarged). */
export function previewSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, PREVIEW_BOX.width / width, PREVIEW_BOX.height / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Whether the chat offers a preview of `file`: a checked raster image of a size that is safe to decode. */
export function canPreview(file: ChatFile): file is ChatFile & { image: { width: number; height: number } } {
  return (
    file.image !== undefined && (PREVIEW_TYPES as readonly string[]).includes(file.type) && file.image.width * file.image.height <= FILE_LIMITS.maxPreviewPixels
  );
}

/**
 * A small raster picture of an image's bytes, decoded safely: only when the bytes themselves are a
 * PNG, JPEG, GIF or WebP of the size the message says (never SVG, never a document), through
 * createImageBitmap (no element, no URL, no script), scaled down as it is decoded.
 */
export async function decodePreview(bytes: ArrayBuffer, file: ChatFile): Promise<ImageBitmap | null> {
  if (!canPreview(file)) return null;
  const info = sniffImage(new Uint8Array(bytes, 0, Math.min(bytes.byteLength, IMAGE_HEAD_BYTES)), FILE_LIMITS.maxPreviewPixels);
  if (!info?.size || info.type !== (file.type as PreviewType) || info.size.width !== file.image.width || info.size.height !== file.image.height) return null;
  const size = previewSize(info.size.width, info.size.height);
  try {
    return await createImageBitmap(new Blob([bytes], { type: info.type }), { resizeWidth: size.width, resizeHeight: size.height, resizeQuality: 'medium' });
  } catch {
    return null;
  }
}
