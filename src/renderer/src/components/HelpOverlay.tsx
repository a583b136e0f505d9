import { useId, useRef, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from './Dialog';
import type { TextKey } from '../text/i18n';

/** Each shortcut: its keys (a message when they are words, like "Hold Space") and what it does. */
export const SHORTCUTS: ReadonlyArray<{ keys: string | { text: TextKey }; action: TextKey }> = [
  { keys: 'M', action: 'help.mic' },
  { keys: 'V', action: 'help.camera' },
  { keys: { text: 'help.holdSpace' }, action: 'help.pushToTalk' },
  { keys: 'H', action: 'help.hand' },
  { keys: 'C', action: 'help.chat' },
  { keys: 'L', action: 'help.layout' },
  { keys: '?', action: 'help.help' },
  { keys: 'Esc', action: 'help.escape' },
];

/** The keyboard shortcuts, in a modal dialog: it takes focus, keeps it, and gives it back when closed. */
export function HelpOverlay({ onClose }: { onClose: () => void }): ReactElement {
  const titleId = useId();
  const done = useRef<HTMLButtonElement>(null);
  const { t } = useTranslation();
  return (
    <Dialog labelledBy={titleId} className="card help-card" testId="help-overlay" initialFocus={done} onClose={onClose}>
      <header className="dialog-header">
        <h2 id={titleId}>{t('help.title')}</h2>
        <button type="button" className="icon-button" aria-label={t('help.close')} title={t('help.closeTitle')} onClick={onClose}>
          ×
        </button>
      </header>
      <dl className="shortcuts">
        {SHORTCUTS.map(({ keys, action }) => (
          <div key={action}>
            <dt>
              <kbd>{typeof keys === 'string' ? keys : t(keys.text)}</kbd>
            </dt>
            <dd>{t(action)}</dd>
          </div>
        ))}
      </dl>
      <button ref={done} type="button" className="primary" data-testid="help-close" onClick={onClose}>
        {t('help.done')}
      </button>
    </Dialog>
  );
}
