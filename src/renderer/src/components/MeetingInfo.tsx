import { useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { usePopover } from '../hooks/usePopover';
import './MeetingInfo.css';

interface Props {
  room: string;
  /** The link to give people (the invite). */
  link: string;
  /** Copies the invite; resolves with what was copied, or rejects when the clipboard is not available. */
  onCopy: () => Promise<void>;
}

/** The meeting's code and invite link, for everyone in it: a button in the header, a small panel with Copy. */
export function MeetingInfo({ room, link, onCopy }: Props): ReactElement {
  const { open, setOpen, root } = usePopover<HTMLDivElement>();
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const { t } = useTranslation();
  const copy = (): void => {
    onCopy().then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    );
  };
  return (
    <div className="meeting-info" ref={root}>
      <button
        type="button"
        className="meeting-code"
        data-testid="meeting-info-button"
        aria-haspopup="dialog"
        aria-expanded={open}
        title={t('info.button')}
        onClick={() => {
          setCopied(null);
          setOpen(!open);
        }}
      >
        {room}
      </button>
      {open && (
        <div className="meeting-info-panel" role="dialog" aria-label={t('info.panel')} data-testid="meeting-info">
          <p className="muted">{t('info.code')}</p>
          <p className="meeting-info-code">{room}</p>
          <label className="field">
            <span>{t('info.link')}</span>
            <input data-testid="invite-link" readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
          </label>
          <div className="row end">
            {copied === 'yes' && (
              <span className="muted" role="status">
                {t('info.copied')}
              </span>
            )}
            {copied === 'failed' && (
              <span className="muted" role="status">
                {t('info.copyFailed')}
              </span>
            )}
            <button type="button" className="primary small" data-testid="copy-invite" onClick={copy}>
              {t('info.copy')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
