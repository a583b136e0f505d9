import type { ReactElement } from 'react';
import type { HostNotice } from '@roundtable/signaling-server/protocol';

const TEXT: Record<HostNotice['kind'], (by: string) => string> = {
  'ask-unmute': (by) => `${by} asks you to unmute.`,
  muted: (by) => `${by} muted you.`,
  'video-stopped': (by) => `${by} turned your camera off.`,
};

interface Props {
  notices: ReadonlyArray<HostNotice & { key: string }>;
  onUnmute: () => void;
  onDismiss: (key: string) => void;
}

/** What the host asked of us or did to us; asking to unmute is a request we can accept. */
export function HostNotices({ notices, onUnmute, onDismiss }: Props): ReactElement {
  return (
    <div className="toasts" aria-live="assertive">
      {notices.map((notice) => (
        <div key={notice.key} className="toast" role="status" data-testid="host-notice" data-kind={notice.kind}>
          <span>{TEXT[notice.kind](notice.by)}</span>
          {notice.kind === 'ask-unmute' && (
            <button
              type="button"
              className="primary small"
              data-testid="accept-unmute"
              onClick={() => {
                onUnmute();
                onDismiss(notice.key);
              }}
            >
              Unmute
            </button>
          )}
          <button type="button" className="icon-button" title="Dismiss" onClick={() => onDismiss(notice.key)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
