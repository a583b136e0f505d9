import { useState, type ReactElement, type ReactNode } from 'react';
import { REACTIONS, type Reaction } from '@roundtable/signaling-server/protocol';
import type { LayoutMode } from '../layout/arrange';
import { Icon } from './Icons';

interface Props {
  micOn: boolean;
  cameraOn: boolean;
  handRaised: boolean;
  layout: LayoutMode;
  chatOpen: boolean;
  unread: number;
  peopleOpen: boolean;
  /** Extra buttons from other features (screen share, recording, device settings). */
  extra?: ReactNode;
  onToggleMic: () => void;
  onToggleCamera: () => void;
  onToggleHand: () => void;
  onReact: (emoji: Reaction['emoji']) => void;
  onToggleLayout: () => void;
  onToggleChat: () => void;
  onTogglePeople: () => void;
  onHelp: () => void;
  onLeave: () => void;
}

export function ControlBar(props: Props): ReactElement {
  const [reacting, setReacting] = useState(false);
  const { micOn, cameraOn } = props;
  return (
    <nav className="control-bar" aria-label="Meeting controls">
      <div className="control-group">
        <button
          type="button"
          className={micOn ? 'round' : 'round off'}
          data-testid="mic-toggle"
          aria-pressed={!micOn}
          title={micOn ? 'Mute (M)' : 'Unmute (M)'}
          onClick={props.onToggleMic}
        >
          <Icon name={micOn ? 'mic' : 'micOff'} />
        </button>
        <button
          type="button"
          className={cameraOn ? 'round' : 'round off'}
          data-testid="camera-toggle"
          aria-pressed={!cameraOn}
          title={cameraOn ? 'Turn camera off (V)' : 'Turn camera on (V)'}
          onClick={props.onToggleCamera}
        >
          <Icon name={cameraOn ? 'camera' : 'cameraOff'} />
        </button>
        {props.extra}
      </div>
      <div className="control-group">
        <button
          type="button"
          className={props.handRaised ? 'round active' : 'round'}
          data-testid="hand-toggle"
          aria-pressed={props.handRaised}
          title={props.handRaised ? 'Lower your hand (H)' : 'Raise your hand (H)'}
          onClick={props.onToggleHand}
        >
          <Icon name="hand" />
        </button>
        <div className="popover-anchor">
          <button type="button" className="round" data-testid="reaction-button" aria-expanded={reacting} title="React" onClick={() => setReacting(!reacting)}>
            <Icon name="smile" />
          </button>
          {reacting && (
            <div className="popover reactions" role="menu">
              {REACTIONS.map((emoji) => (
                <button
                  key={emoji}
                  type="button"
                  role="menuitem"
                  data-testid="reaction-choice"
                  className="emoji"
                  onClick={() => {
                    props.onReact(emoji);
                    setReacting(false);
                  }}
                >
                  {emoji}
                </button>
              ))}
            </div>
          )}
        </div>
        <button
          type="button"
          className="round"
          data-testid="layout-toggle"
          data-layout={props.layout}
          title={props.layout === 'grid' ? 'Speaker view (L)' : 'Grid view (L)'}
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
          title="Chat (C)"
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
          title="People"
          onClick={props.onTogglePeople}
        >
          <Icon name="people" />
        </button>
        <button type="button" className="round" data-testid="help-button" title="Keyboard shortcuts (?)" onClick={props.onHelp}>
          <Icon name="help" />
        </button>
        <button type="button" className="round danger wide" data-testid="leave-button" title="Leave the meeting" onClick={props.onLeave}>
          <Icon name="leave" />
          <span>Leave</span>
        </button>
      </div>
    </nav>
  );
}
