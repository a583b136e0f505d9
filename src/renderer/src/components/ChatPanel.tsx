import { memo, useEffect, useLayoutEffect, useRef, useState, type DragEvent, type FormEvent, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatEntry, ChatFiles } from '../call/chat';
import { ChatAttachment, fileSize, Glyph } from './ChatAttachment';
import { ChatText } from './ChatText';
import { formatTime } from '../text/i18n';
import { Icon } from './Icons';

interface Props {
  messages: readonly ChatEntry[];
  selfId: string | null;
  hasOlder: boolean;
  loadingOlder: boolean;
  onSend: (text: string) => void;
  onLoadOlder: () => void;
  onClose: () => void;
  /** Files in the chat: share, download, preview (the call engine's chat). */
  files: ChatFiles;
  /** The meeting's limit on a file, and the most the host may allow (the room's settings). */
  fileLimits: { maxBytes: number; capBytes: number } | undefined;
  /** The host sets the limit. */
  isHost: boolean;
}

/** The limits a host picks from (those above the server's are left out). */
const LIMIT_CHOICES_MB = [1, 5, 10, 25, 50, 100, 250, 500, 1024];

const EMOJI = ['👍', '😂', '🎉', '❤️', '🙏', '👋', '🤔', '✅'];

/** One message; unchanged messages are not rendered again when a new one arrives. */
const ChatItem = memo(function ChatItem({ message: m, own, files }: { message: ChatEntry; own: boolean; files: ChatFiles }): ReactElement {
  const { t } = useTranslation();
  const hasFile = m.file !== undefined || m.upload !== undefined;
  return (
    <li
      className={`chat-message${own ? ' own' : ''}${hasFile ? ' with-file' : ''}`}
      data-testid="chat-message"
      data-message-id={m.id}
      data-status={m.status}
      data-seq={m.seq ?? ''}
    >
      <div className="chat-meta">
        <span className="chat-sender">{own ? t('chat.you') : m.from.name}</span>
        <time dateTime={new Date(m.sentAt).toISOString()}>{formatTime(m.sentAt)}</time>
        {!hasFile && m.status === 'sending' && <span className="chat-status">{t('chat.sending')}</span>}
        {!hasFile && m.status === 'failed' && <span className="chat-status failed">{t('chat.notSent', { error: m.error ?? '' })}</span>}
      </div>
      {hasFile && <ChatAttachment id={m.id} file={m.file} upload={m.upload} files={files} />}
      {m.text && (
        <p className="chat-text">
          <ChatText text={m.text} />
        </p>
      )}
    </li>
  );
});

/** The meeting's limit on files: the host picks it, everyone else is told it. */
function FileLimit({ limits, isHost, files }: { limits: { maxBytes: number; capBytes: number }; isHost: boolean; files: ChatFiles }): ReactElement {
  const { t } = useTranslation();
  const [problem, setProblem] = useState(false);
  if (!isHost) {
    return (
      <p className="chat-file-limit" data-testid="chat-file-limit">
        {limits.maxBytes === 0 ? t('chat.filesOff') : t('chat.filesUpTo', { size: fileSize(limits.maxBytes) })}
      </p>
    );
  }
  const choices = [...new Set([0, ...LIMIT_CHOICES_MB.map((mb) => mb * 1024 * 1024), limits.maxBytes, limits.capBytes])]
    .filter((bytes) => bytes <= limits.capBytes)
    .sort((a, b) => a - b);
  return (
    <label className="chat-file-limit" data-testid="chat-file-limit">
      {t('chat.limitLabel')}
      <select
        data-testid="chat-file-limit-select"
        value={limits.maxBytes}
        onChange={(e) => {
          setProblem(false);
          files.setFileLimit(Number(e.target.value)).catch(() => setProblem(true));
        }}
      >
        {choices.map((bytes) => (
          <option key={bytes} value={bytes}>
            {bytes === 0 ? t('chat.limitOff') : fileSize(bytes)}
          </option>
        ))}
      </select>
      {problem && <span className="chat-status failed">{t('chat.limitFailed')}</span>}
    </label>
  );
}

export function ChatPanel({ messages, selfId, hasOlder, loadingOlder, onSend, onLoadOlder, onClose, files, fileLimits, isHost }: Props): ReactElement {
  const { t } = useTranslation();
  const [draft, setDraft] = useState('');
  const [dropping, setDropping] = useState(false);
  const list = useRef<HTMLOListElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const stickToBottom = useRef(true);
  const previousHeight = useRef(0);
  const firstId = messages[0]?.id;

  // New messages scroll into view when the reader is at the bottom; older pages keep the reading position.
  useLayoutEffect(() => {
    const element = list.current;
    if (!element) return;
    if (stickToBottom.current) element.scrollTop = element.scrollHeight;
    else if (previousHeight.current && element.scrollHeight > previousHeight.current && element.scrollTop < 40) {
      element.scrollTop += element.scrollHeight - previousHeight.current;
    }
    previousHeight.current = element.scrollHeight;
  }, [messages, firstId]);

  useEffect(() => input.current?.focus(), []);

  const onScroll = (): void => {
    const element = list.current;
    if (!element) return;
    stickToBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
    if (element.scrollTop < 60 && hasOlder && !loadingOlder) onLoadOlder();
  };

  /** Shares files (picked, dropped or pasted) with everyone; what is over the meeting's limit is refused at once. */
  const share = (chosen: Iterable<File>): void => {
    const list = [...chosen];
    if (list.length === 0) return;
    stickToBottom.current = true;
    for (const file of list) files.attach(file, fileLimits?.maxBytes);
  };
  const carriesFiles = (event: DragEvent): boolean => Array.from(event.dataTransfer.types).includes('Files');
  const onDragOver = (event: DragEvent): void => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setDropping(true);
  };
  const onDragLeave = (event: DragEvent): void => {
    if (!(event.relatedTarget instanceof Node) || !event.currentTarget.contains(event.relatedTarget)) setDropping(false);
  };
  const onDrop = (event: DragEvent): void => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    setDropping(false);
    share(event.dataTransfer.files);
  };

  const submit = (event?: FormEvent): void => {
    event?.preventDefault();
    if (!draft.trim()) return;
    stickToBottom.current = true;
    onSend(draft);
    setDraft('');
  };

  return (
    <aside
      className={`side-panel chat-panel${dropping ? ' dropping' : ''}`}
      aria-label={t('chat.panel')}
      data-testid="chat-panel"
      onDragEnter={onDragOver}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
    >
      {dropping && (
        <div className="chat-drop" data-testid="chat-drop" aria-hidden="true">
          <Glyph name="paperclip" size={28} />
          {t('chat.drop')}
        </div>
      )}
      <header>
        <h2>{t('chat.heading')}</h2>
        <button type="button" className="icon-button" onClick={onClose} title={t('chat.close')}>
          ×
        </button>
      </header>
      {/* A log: screen readers read what is added (a new message), not the history already there; older pages load while busy. */}
      <ol
        className="chat-list"
        ref={list}
        onScroll={onScroll}
        data-testid="chat-list"
        role="log"
        aria-live="polite"
        aria-relevant="additions"
        aria-label={t('chat.messages')}
        aria-busy={loadingOlder}
      >
        {hasOlder && <li className="chat-older">{loadingOlder ? t('chat.loadingOlder') : t('chat.scrollForOlder')}</li>}
        {messages.map((m) => (
          <ChatItem key={m.id} message={m} own={m.from.id === selfId} files={files} />
        ))}
      </ol>
      <div className="emoji-row">
        {EMOJI.map((emoji) => (
          <button key={emoji} type="button" className="emoji" onClick={() => setDraft((d) => d + emoji)} title={t('chat.addEmoji', { emoji })}>
            {emoji}
          </button>
        ))}
      </div>
      <form className="chat-form" onSubmit={submit}>
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          data-testid="chat-file-input"
          onChange={(e) => {
            share(e.target.files ?? []);
            e.target.value = '';
          }}
        />
        <button
          type="button"
          className="icon-button attach"
          data-testid="chat-attach"
          title={t('chat.shareFile')}
          aria-label={t('chat.shareFile')}
          disabled={fileLimits?.maxBytes === 0}
          onClick={() => picker.current?.click()}
        >
          <Glyph name="paperclip" />
        </button>
        <textarea
          ref={input}
          data-testid="chat-input"
          value={draft}
          maxLength={2000}
          rows={2}
          placeholder={t('chat.placeholder')}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) submit(e);
          }}
          onPaste={(e) => {
            // A pasted picture or file is shared; pasted text goes into the message as usual.
            if (e.clipboardData.files.length === 0) return;
            e.preventDefault();
            share(e.clipboardData.files);
          }}
        />
        <button type="submit" className="icon-button send" data-testid="chat-send" title={t('chat.send')} disabled={!draft.trim()}>
          <Icon name="send" size={18} />
        </button>
      </form>
      {fileLimits && <FileLimit limits={fileLimits} isHost={isHost} files={files} />}
    </aside>
  );
}
