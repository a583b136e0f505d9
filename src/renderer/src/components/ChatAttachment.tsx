import { memo, useEffect, useRef, useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatFile } from '@roundtable/signaling-server/protocol';
import { FileProblemError, type ChatFiles, type FileProblem, type FileUpload } from '../call/chat';
import { canPreview, previewSize } from '../call/file-transfer';
import { currentLanguage, t, type TextKey } from '../text/i18n';
import './ChatAttachment.css';

const GLYPHS = {
  paperclip: 'M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6h-1.5Z',
  download: 'M5 20h14v-2H5v2Zm7-18v11.17l-3.59-3.58L7 11l5 5 5-5-1.41-1.41L13 13.17V2h-2Z',
  file: 'M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8l-6-6Zm4 18H6V4h7v5h5v11Z',
  image: 'M21 19V5a2 2 0 0 0-2-2H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2ZM8.5 13.5l2.5 3 3.5-4.5 4.5 6H5l3.5-4.5Z',
  retry: 'M17.65 6.35A7.96 7.96 0 0 0 12 4a8 8 0 1 0 7.75 10h-2.08A6 6 0 1 1 12 6c1.66 0 3.14.69 4.22 1.78L13 11h7V4l-2.35 2.35Z',
} as const;

/** The chat's own small icons (the app's icon set is someone else's file). */
export function Glyph({ name, size = 18 }: { name: keyof typeof GLYPHS; size?: number }): ReactElement {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={GLYPHS[name]} fill="currentColor" />
    </svg>
  );
}

/** Number formats of the current language (constructing Intl formatters is costly: one of each per language). */
const formats = new Map<string, { whole: Intl.NumberFormat; oneDecimal: Intl.NumberFormat; percent: Intl.NumberFormat }>();
function numberFormats(): { whole: Intl.NumberFormat; oneDecimal: Intl.NumberFormat; percent: Intl.NumberFormat } {
  const language = currentLanguage();
  let found = formats.get(language);
  if (!found) {
    found = {
      whole: new Intl.NumberFormat(language, { maximumFractionDigits: 0 }),
      oneDecimal: new Intl.NumberFormat(language, { maximumFractionDigits: 1 }),
      percent: new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 0 }),
    };
    formats.set(language, found);
  }
  return found;
}

/** "532 bytes", "48 KB", "2.4 MB" ("532 байта", "48 КБ", "2,4 МБ"), in the current language. */
export function fileSize(bytes: number): string {
  const { whole, oneDecimal } = numberFormats();
  if (bytes < 1024) return t('chatFile.bytes', { count: bytes });
  if (bytes < 1024 * 1024) return t('chatFile.kb', { size: whole.format(Math.ceil(bytes / 1024)) });
  if (bytes < 1024 * 1024 * 1024) return t('chatFile.mb', { size: oneDecimal.format(bytes / 1024 / 1024) });
  return t('chatFile.gb', { size: oneDecimal.format(bytes / 1024 / 1024 / 1024) });
}

/** "42%" ("42 %"): how much of a file has gone, rounded down. */
function percentSent(sent: number, size: number): string {
  return numberFormats().percent.format(size > 0 ? Math.floor((sent / size) * 100) / 100 : 0);
}

const KINDS: Record<string, TextKey> = {
  'image/png': 'chatFile.kinds.png',
  'image/jpeg': 'chatFile.kinds.jpeg',
  'image/gif': 'chatFile.kinds.gif',
  'image/webp': 'chatFile.kinds.webp',
  'image/svg+xml': 'chatFile.kinds.svg',
  'application/pdf': 'chatFile.kinds.pdf',
  'text/plain': 'chatFile.kinds.text',
  'text/html': 'chatFile.kinds.html',
  'application/zip': 'chatFile.kinds.zip',
};

/** What kind of file it is, in words: from its type, else its name's extension. */
export function fileKind(name: string, type: string): string {
  if (Object.hasOwn(KINDS, type)) return t(KINDS[type]!);
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1];
  return ext ? t('chatFile.kinds.other', { ext: ext.toUpperCase() }) : t('chatFile.kinds.unknown');
}

/** Why a file did not go, in words. */
function uploadProblemText(problem: FileProblem, maxBytes: number | undefined): string {
  switch (problem) {
    case 'file-too-large':
      return maxBytes !== undefined ? t('chatFile.notSent.tooLargeFor', { size: fileSize(maxBytes) }) : t('chatFile.notSent.tooLarge');
    case 'file-quota':
      return t('chatFile.notSent.quota');
    case 'file-type':
      return t('chatFile.notSent.type');
    case 'file-empty':
      return t('chatFile.notSent.empty');
    case 'files-off':
      return t('chatFile.notSent.off');
    case 'network':
      return t('chatFile.notSent.network');
    case 'not-in-meeting':
      return t('chatFile.notSent.notInMeeting');
    case 'damaged':
    case 'failed':
      return t('chatFile.notSent.failed');
  }
}

/** Why a file could not be downloaded, in words. */
function downloadProblemText(problem: FileProblem): string {
  switch (problem) {
    case 'network':
      return t('chatFile.notDownloaded.network');
    case 'not-in-meeting':
      return t('chatFile.notDownloaded.notInMeeting');
    case 'damaged':
      return t('chatFile.notDownloaded.damaged');
    default:
      return t('chatFile.notDownloaded.failed');
  }
}

/** Problems a retry can fix. */
const RETRYABLE: ReadonlySet<FileProblem> = new Set(['network', 'failed', 'damaged', 'file-quota']);

/** Saves `blob` under `name` with the browser's download (never opened in the page). */
function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A picture of an image file, drawn from a bitmap the call engine decoded (no <img>, no URL). */
function Preview({
  file,
  files,
  onOpen,
}: {
  file: ChatFile & { image: { width: number; height: number } };
  files: ChatFiles;
  onOpen: () => void;
}): ReactElement {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'none'>('loading');
  const size = previewSize(file.image.width, file.image.height);
  useEffect(() => {
    let live = true;
    void files.preview(file).then((bitmap) => {
      if (!live) return;
      const element = canvas.current;
      const context = element?.getContext('2d');
      if (!bitmap || !context) return setState('none');
      context.drawImage(bitmap, 0, 0, size.width, size.height);
      setState('ready');
    });
    return () => {
      live = false;
    };
  }, [file, files, size.width, size.height]);
  if (state === 'none') return <></>;
  return (
    <button type="button" className="chat-file-preview" data-state={state} onClick={onOpen} title={t('chatFile.download', { name: file.name })}>
      <canvas
        ref={canvas}
        width={size.width}
        height={size.height}
        data-testid="chat-file-preview"
        data-ready={state === 'ready'}
        role="img"
        aria-label={t('chatFile.picture', { name: file.name })}
      />
    </button>
  );
}

function SharedFile({ file, files }: { file: ChatFile; files: ChatFiles }): ReactElement {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<FileProblem | null>(null);
  const download = (): void => {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    files
      .download(file)
      .then((blob) => save(blob, file.name))
      .catch((error: unknown) => setProblem(error instanceof FileProblemError ? error.problem : 'failed'))
      .finally(() => setBusy(false));
  };
  return (
    <div className="chat-file" data-testid="chat-file" data-file-id={file.id} data-file-name={file.name} data-file-type={file.type}>
      {canPreview(file) && <Preview file={file} files={files} onOpen={download} />}
      <div className="chat-file-row">
        <span className="chat-file-icon">
          <Glyph name={canPreview(file) ? 'image' : 'file'} size={22} />
        </span>
        <span className="chat-file-info">
          <span className="chat-file-name" title={file.name} data-testid="chat-file-name">
            {file.name}
          </span>
          <span className="chat-file-meta" data-testid="chat-file-meta">
            {fileKind(file.name, file.type)} · {fileSize(file.size)}
          </span>
        </span>
        <button
          type="button"
          className="icon-button chat-file-action"
          data-testid="chat-file-download"
          onClick={download}
          disabled={busy}
          title={t('chatFile.download', { name: file.name })}
          aria-label={t('chatFile.download', { name: file.name })}
        >
          <Glyph name="download" />
        </button>
      </div>
      {busy && <progress className="chat-file-progress" aria-label={t('chatFile.downloading', { name: file.name })} />}
      {problem && (
        <p className="chat-file-problem" role="alert" data-testid="chat-file-problem" data-problem={problem}>
          {downloadProblemText(problem)}
        </p>
      )}
    </div>
  );
}

function UploadingFile({ id, upload, files }: { id: string; upload: FileUpload; files: ChatFiles }): ReactElement {
  const { t } = useTranslation();
  const failed = upload.phase === 'failed';
  const state = failed
    ? null
    : upload.phase === 'uploading'
      ? t('chatFile.progress', { percent: percentSent(upload.sent, upload.size) })
      : t('chatFile.waiting');
  return (
    <div className={`chat-file${failed ? ' failed' : ' uploading'}`} data-testid="chat-file-upload" data-phase={upload.phase} data-file-name={upload.name}>
      <div className="chat-file-row">
        <span className="chat-file-icon">
          <Glyph name="file" size={22} />
        </span>
        <span className="chat-file-info">
          <span className="chat-file-name" title={upload.name}>
            {upload.name}
          </span>
          <span className="chat-file-meta">
            {fileKind(upload.name, upload.type)} · {fileSize(upload.size)}
            {state && ` · ${state}`}
          </span>
        </span>
        {failed && upload.problem && RETRYABLE.has(upload.problem) && (
          <button
            type="button"
            className="icon-button chat-file-action"
            data-testid="chat-file-retry"
            onClick={() => files.retryFile(id)}
            title={t('chatFile.retry')}
            aria-label={t('chatFile.retry')}
          >
            <Glyph name="retry" />
          </button>
        )}
        <button
          type="button"
          className="icon-button chat-file-action"
          data-testid="chat-file-cancel"
          onClick={() => files.cancelFile(id)}
          title={failed ? t('chatFile.dismiss') : t('chatFile.stop')}
          aria-label={failed ? t('chatFile.dismiss') : t('chatFile.stop')}
        >
          ×
        </button>
      </div>
      {!failed && (
        <progress
          className="chat-file-progress"
          data-testid="chat-file-progress"
          max={upload.size || 1}
          value={upload.phase === 'uploading' ? upload.sent : undefined}
          aria-label={t('chatFile.sendingFile', { name: upload.name })}
        />
      )}
      {failed && upload.problem && (
        <p className="chat-file-problem" role="alert" data-testid="chat-file-problem" data-problem={upload.problem}>
          {uploadProblemText(upload.problem, upload.maxBytes)}
        </p>
      )}
    </div>
  );
}

/** A file in a chat message: shared (preview, name, kind, size, download), or ours on its way (progress, or why it did not go). */
export const ChatAttachment = memo(function ChatAttachment({
  id,
  file,
  upload,
  files,
}: {
  id: string;
  file: ChatFile | undefined;
  upload: FileUpload | undefined;
  files: ChatFiles;
}): ReactElement | null {
  if (file) return <SharedFile file={file} files={files} />;
  if (upload) return <UploadingFile id={id} upload={upload} files={files} />;
  return null;
});
