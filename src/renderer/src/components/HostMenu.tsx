import { useState, type ReactElement } from 'react';
import { ConfirmDialog } from './ConfirmDialog';
import { Menu, MenuItem, useMenu } from './Menu';

export interface HostActions {
  askToUnmute: () => void;
  mute: () => void;
  stopVideo: () => void;
  makeHost: () => void;
  remove: () => void;
}

/** The host's actions on one participant; removing someone asks first. */
export function HostMenu({ name, audioOn, videoOn, actions }: { name: string; audioOn: boolean; videoOn: boolean; actions: HostActions }): ReactElement {
  const menu = useMenu({ floating: true });
  const [confirmingRemove, setConfirmingRemove] = useState(false);
  const item = (label: string, testId: string, action: () => void, danger = false): ReactElement => (
    <MenuItem menu={menu} className={danger ? 'menu-item danger' : 'menu-item'} testId={testId} onSelect={action}>
      {label}
    </MenuItem>
  );
  return (
    <div className="popover-anchor">
      <button
        type="button"
        className="icon-button"
        data-testid="host-actions"
        title={`Host controls for ${name}`}
        aria-label={`Host controls for ${name}`}
        {...menu.button}
      >
        ⋯
      </button>
      <Menu menu={menu} className="menu">
        {audioOn ? item('Mute', 'host-mute', actions.mute) : item('Ask to unmute', 'host-ask-unmute', actions.askToUnmute)}
        {videoOn && item('Stop video', 'host-stop-video', actions.stopVideo)}
        {item('Make host', 'host-make-host', actions.makeHost)}
        {item(`Remove ${name}`, 'host-remove', () => setConfirmingRemove(true), true)}
      </Menu>
      {confirmingRemove && (
        <ConfirmDialog
          title={`Remove ${name}?`}
          message={`${name} will be taken out of the meeting and cannot come back unless you let them back in.`}
          confirmLabel={`Remove ${name}`}
          onConfirm={() => {
            setConfirmingRemove(false);
            actions.remove();
          }}
          onCancel={() => setConfirmingRemove(false)}
        />
      )}
    </div>
  );
}
