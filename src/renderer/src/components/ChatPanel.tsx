import { memo, useEffect, useLayoutEffect, useRef, useState, type FormEvent, type ReactElement } from 'react';
import type { ChatEntry } from '../call/chat';
import { ChatText } from './ChatText';
import { Icon } from './Icons';

interface Props {
  messages: readonly ChatEntry[];
  selfId: string | null;
  hasOlder: boolean;
  loadingOlder: boolean;
  onSend: (text: string) => void;
  onLoadOlder: () => void;
  onClose: () => void;
}

const EMOJI = ['👍', '😂', '🎉', '❤️', '🙏', '👋', '🤔', '✅'];

// One formatter for every message: constructing Intl formatters is costly.
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** One message; unchanged messages are not rendered again when a new one arrives. */
const ChatItem = memo(function ChatItem({ message: m, own }: { message: ChatEntry; own: boolean }): ReactElement {
  return (
    <li className={`chat-message${own ? ' own' : ''}`} data-testid="chat-message" data-message-id={m.id} data-status={m.status} data-seq={m.seq ?? ''}>
      <div className="chat-meta">
        <span className="chat-sender">{own ? 'You' : m.from.name}</span>
        <time dateTime={new Date(m.sentAt).toISOString()}>{clock.format(m.sentAt)}</time>
        {m.status === 'sending' && <span className="chat-status">sending…</span>}
        {m.status === 'failed' && <span className="chat-status failed">not sent: {m.error}</span>}
      </div>
      <p className="chat-text">
        <ChatText text={m.text} />
      </p>
    </li>
  );
});

export function ChatPanel({ messages, selfId, hasOlder, loadingOlder, onSend, onLoadOlder, onClose }: Props): ReactElement {
  const [draft, setDraft] = useState('');
  const list = useRef<HTMLOListElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
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

  const submit = (event?: FormEvent): void => {
    event?.preventDefault();
    if (!draft.trim()) return;
    stickToBottom.current = true;
    onSend(draft);
    setDraft('');
  };

  return (
    <aside className="side-panel chat-panel" aria-label="Chat" data-testid="chat-panel">
      <header>
        <h2>Chat</h2>
        <button type="button" className="icon-button" onClick={onClose} title="Close chat">
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
        aria-label="Chat messages"
        aria-busy={loadingOlder}
      >
        {hasOlder && <li className="chat-older">{loadingOlder ? 'Loading older messages…' : 'Scroll up for older messages'}</li>}
        {messages.map((m) => (
          <ChatItem key={m.id} message={m} own={m.from.id === selfId} />
        ))}
      </ol>
      <div className="emoji-row">
        {EMOJI.map((emoji) => (
          <button key={emoji} type="button" className="emoji" onClick={() => setDraft((d) => d + emoji)} title={`Add ${emoji}`}>
            {emoji}
          </button>
        ))}
      </div>
      <form className="chat-form" onSubmit={submit}>
        <textarea
          ref={input}
          data-testid="chat-input"
          value={draft}
          maxLength={2000}
          rows={2}
          placeholder="Message everyone"
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) submit(e);
          }}
        />
        <button type="submit" className="icon-button send" data-testid="chat-send" title="Send" disabled={!draft.trim()}>
          <Icon name="send" size={18} />
        </button>
      </form>
    </aside>
  );
}
