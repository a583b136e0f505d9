import { useState, type ReactElement } from 'react';

export interface HostActions {
  askToUnmute: () => void;
  mute: () => void;
  stopVideo: () => void;
  makeHost: () => void;
  remove: () => void;
}

/** The host's actions on one participant. */
export function HostMenu({ name, audioOn, videoOn, actions }: { name: string; audioOn: boolean; videoOn: boolean; actions: HostActions }): ReactElement {
  const [open, setOpen] = useState(false);
  const item = (label: string, testId: string, action: () => void, danger = false): ReactElement => (
    <button
      type="button"
      role="menuitem"
      className={danger ? 'menu-item danger' : 'menu-item'}
      data-testid={testId}
      onClick={() => {
        setOpen(false);
        action();
      }}
    >
      {label}
    </button>
  );
  return (
    <div className="popover-anchor">
      <button
        type="button"
        className="icon-button"
        data-testid="host-actions"
        aria-haspopup="menu"
        aria-expanded={open}
        title={`Host controls for ${name}`}
        onClick={() => setOpen(!open)}
      >
        ⋯
      </button>
      {open && (
        <div className="menu" role="menu">
          {audioOn ? item('Mute', 'host-mute', actions.mute) : item('Ask to unmute', 'host-ask-unmute', actions.askToUnmute)}
          {videoOn && item('Stop video', 'host-stop-video', actions.stopVideo)}
          {item('Make host', 'host-make-host', actions.makeHost)}
          {item(`Remove ${name}`, 'host-remove', actions.remove, true)}
        </div>
      )}
    </div>
  );
}
