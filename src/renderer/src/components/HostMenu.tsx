import { useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
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
  const { t } = useTranslation();
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
        title={t('hostMenu.button', { name })}
        aria-label={t('hostMenu.button', { name })}
        {...menu.button}
      >
        ⋯
      </button>
      <Menu menu={menu} className="menu">
        {audioOn ? item(t('hostMenu.mute'), 'host-mute', actions.mute) : item(t('hostMenu.askToUnmute'), 'host-ask-unmute', actions.askToUnmute)}
        {videoOn && item(t('hostMenu.stopVideo'), 'host-stop-video', actions.stopVideo)}
        {item(t('hostMenu.makeHost'), 'host-make-host', actions.makeHost)}
        {item(t('hostMenu.remove', { name }), 'host-remove', () => setConfirmingRemove(true), true)}
      </Menu>
      {confirmingRemove && (
        <ConfirmDialog
          title={t('hostMenu.removeTitle', { name })}
          message={t('hostMenu.removeMessage', { name })}
          confirmLabel={t('hostMenu.remove', { name })}
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
