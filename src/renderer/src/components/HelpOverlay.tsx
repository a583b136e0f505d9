import type { ReactElement } from 'react';

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

export function HelpOverlay({ onClose }: { onClose: () => void }): ReactElement {
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" data-testid="help-overlay" onClick={onClose}>
      <div className="card help-card" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
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
        <button type="button" className="primary" onClick={onClose}>
          Got it
        </button>
      </div>
    </div>
  );
}
