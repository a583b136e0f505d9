import { useId, useRef, type ReactElement } from 'react';
import { Dialog } from './Dialog';

export const SHORTCUTS: ReadonlyArray<[keys: string, action: string]> = [
  ['M', 'Mute or unmute your microphone'],
  ['V', 'Turn your camera on or off'],
  ['Hold Space', 'Talk while muted (when no button or field has focus)'],
  ['H', 'Raise or lower your hand'],
  ['C', 'Open or close the chat'],
  ['L', 'Switch between grid and speaker view'],
  ['?', 'Show these shortcuts'],
  ['Esc', 'Close panels and this help'],
];

/** The keyboard shortcuts, in a modal dialog: it takes focus, keeps it, and gives it back when closed. */
export function HelpOverlay({ onClose }: { onClose: () => void }): ReactElement {
  const titleId = useId();
  const done = useRef<HTMLButtonElement>(null);
  return (
    <Dialog labelledBy={titleId} className="card help-card" testId="help-overlay" initialFocus={done} onClose={onClose}>
      <header className="dialog-header">
        <h2 id={titleId}>Keyboard shortcuts</h2>
        <button type="button" className="icon-button" aria-label="Close" title="Close (Esc)" onClick={onClose}>
          ×
        </button>
      </header>
      <dl className="shortcuts">
        {SHORTCUTS.map(([keys, action]) => (
          <div key={keys}>
            <dt>
              <kbd>{keys}</kbd>
            </dt>
            <dd>{action}</dd>
          </div>
        ))}
      </dl>
      <button ref={done} type="button" className="primary" data-testid="help-close" onClick={onClose}>
        Got it
      </button>
    </Dialog>
  );
}
