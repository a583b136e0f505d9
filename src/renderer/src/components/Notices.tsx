import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { Toast } from '../hooks/notice-feed';
import './Notices.css';

interface Props {
  toasts: readonly Toast[];
  onUnmute: () => void;
  onDismiss: (key: string) => void;
  /** The pointer or focus entered (`true`) or left a notice: it does not go away meanwhile. */
  onHold: (key: string, held: boolean) => void;
}

const HOST_NOTICE_KINDS = new Set<Toast['kind']>(['ask-unmute', 'muted', 'video-stopped']);

/**
 * The meeting's short notices, newest last: what the host asked of us or did to us (asking to
 * unmute is a request we can accept), who hosts now, who came and went.
 */
export function Notices({ toasts, onUnmute, onDismiss, onHold }: Props): ReactElement {
  const { t } = useTranslation();
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((toast) => (
        <div
          key={toast.key}
          className={`toast toast-${toast.kind}`}
          role="status"
          data-testid={HOST_NOTICE_KINDS.has(toast.kind) ? 'host-notice' : 'meeting-notice'}
          data-kind={toast.kind}
          onPointerEnter={() => onHold(toast.key, true)}
          onPointerLeave={() => onHold(toast.key, false)}
          onFocus={() => onHold(toast.key, true)}
          onBlur={(event) => {
            if (!event.currentTarget.contains(event.relatedTarget as Node | null)) onHold(toast.key, false);
          }}
        >
          <span className="toast-text">{toast.say()}</span>
          {toast.kind === 'ask-unmute' && (
            <button
              type="button"
              className="primary small"
              data-testid="accept-unmute"
              onClick={() => {
                onUnmute();
                onDismiss(toast.key);
              }}
            >
              {t('notices.unmute')}
            </button>
          )}
          <button
            type="button"
            className="icon-button"
            data-testid="notice-dismiss"
            aria-label={t('notices.dismiss')}
            title={t('notices.dismiss')}
            onClick={() => onDismiss(toast.key)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
