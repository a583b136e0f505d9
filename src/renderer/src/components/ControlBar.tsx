import { useState, type ReactElement, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { REACTIONS, type Reaction } from '@roundtable/signaling-server/protocol';
import type { LayoutMode } from '../layout/arrange';
import { ConfirmDialog } from './ConfirmDialog';
import { Icon } from './Icons';
import { MediaToggles } from './MediaToggles';
import { Menu, MenuItem, useMenu } from './Menu';

interface Props {
  micOn: boolean;
  cameraOn: boolean;
  sharing: boolean;
  handRaised: boolean;
  layout: LayoutMode;
  chatOpen: boolean;
  unread: number;
  peopleOpen: boolean;
  /** People in the waiting room (host only), shown as a badge. */
  waiting: number;
  isHost: boolean;
  /** Extra buttons from other features (screen share, recording, device settings). */
  extra?: ReactNode;
  onToggleMic: () => void;
  onToggleCamera: () => void;
  onToggleScreen: () => void;
  onToggleHand: () => void;
  onReact: (emoji: Reaction['emoji']) => void;
  onToggleLayout: () => void;
  onToggleChat: () => void;
  onTogglePeople: () => void;
  onHelp: () => void;
  onLeave: () => void;
  onEndForAll: () => void;
}

export function ControlBar(props: Props): ReactElement {
  const reactions = useMenu();
  const leave = useMenu();
  const [ending, setEnding] = useState(false);
  const { t } = useTranslation();
  return (
    <nav className="control-bar" aria-label={t('controls.bar')}>
      <div className="control-group">
        <MediaToggles micOn={props.micOn} cameraOn={props.cameraOn} onToggleMic={props.onToggleMic} onToggleCamera={props.onToggleCamera} />
        <button
          type="button"
          className={props.sharing ? 'round active' : 'round'}
          data-testid="screen-toggle"
          aria-pressed={props.sharing}
          title={props.sharing ? t('controls.stopSharing') : t('controls.shareScreen')}
          onClick={props.onToggleScreen}
        >
          <Icon name="screen" />
        </button>
        {props.extra}
      </div>
      <div className="control-group">
        <button
          type="button"
          className={props.handRaised ? 'round active' : 'round'}
          data-testid="hand-toggle"
          aria-pressed={props.handRaised}
          title={props.handRaised ? t('controls.lowerHand') : t('controls.raiseHand')}
          onClick={props.onToggleHand}
        >
          <Icon name="hand" />
        </button>
        <div className="popover-anchor">
          <button type="button" className="round" data-testid="reaction-button" title={t('controls.react')} {...reactions.button}>
            <Icon name="smile" />
          </button>
          <Menu menu={reactions} className="popover reactions" orientation="horizontal" label={t('controls.reactions')}>
            {REACTIONS.map((emoji) => (
              <MenuItem
                key={emoji}
                menu={reactions}
                className="emoji"
                testId="reaction-choice"
                label={t('controls.reactWith', { emoji })}
                onSelect={() => props.onReact(emoji)}
              >
                {emoji}
              </MenuItem>
            ))}
          </Menu>
        </div>
        <button
          type="button"
          className="round"
          data-testid="layout-toggle"
          data-layout={props.layout}
          title={props.layout === 'grid' ? t('controls.speakerView') : t('controls.gridView')}
          onClick={props.onToggleLayout}
        >
          <Icon name={props.layout === 'grid' ? 'speaker' : 'grid'} />
        </button>
      </div>
      <div className="control-group">
        <button
          type="button"
          className={props.chatOpen ? 'round active' : 'round'}
          data-testid="chat-toggle"
          aria-pressed={props.chatOpen}
          title={t('controls.chat')}
          onClick={props.onToggleChat}
        >
          <Icon name="chat" />
          {props.unread > 0 && (
            <span className="badge" data-testid="unread-badge">
              {props.unread > 99 ? '99+' : props.unread}
            </span>
          )}
        </button>
        <button
          type="button"
          className={props.peopleOpen ? 'round active' : 'round'}
          data-testid="people-toggle"
          aria-pressed={props.peopleOpen}
          title={t('controls.people')}
          onClick={props.onTogglePeople}
        >
          <Icon name="people" />
          {props.waiting > 0 && (
            <span className="badge" data-testid="waiting-badge" title={t('controls.waiting', { count: props.waiting })}>
              {props.waiting}
            </span>
          )}
        </button>
        <button type="button" className="round" data-testid="help-button" title={t('controls.shortcuts')} onClick={props.onHelp}>
          <Icon name="help" />
        </button>
        <div className="popover-anchor">
          <button
            type="button"
            className="round danger wide"
            data-testid="leave-button"
            title={t('controls.leaveTitle')}
            {...(props.isHost ? leave.button : { onClick: props.onLeave })}
          >
            <Icon name="leave" />
            <span>{t('controls.leave')}</span>
          </button>
          {props.isHost && (
            <Menu menu={leave} className="menu up">
              <MenuItem menu={leave} testId="leave-only" onSelect={props.onLeave}>
                {t('controls.leaveOnly')}
              </MenuItem>
              <MenuItem menu={leave} className="menu-item danger" testId="end-for-all" onSelect={() => setEnding(true)}>
                {t('controls.endForAll')}
              </MenuItem>
            </Menu>
          )}
          {ending && (
            <ConfirmDialog
              title={t('controls.endTitle')}
              message={t('controls.endMessage')}
              confirmLabel={t('controls.endConfirm')}
              onConfirm={() => {
                setEnding(false);
                props.onEndForAll();
              }}
              onCancel={() => setEnding(false)}
            />
          )}
        </div>
      </div>
    </nav>
  );
}
