import type { HostingStatus } from '@shared/ipc/hosting';
import type { MeetingReport } from '@shared/ipc/meeting';

/**
 * The tray menu as data: state in, items out. No Electron here, so every state is unit-tested;
 * tray.ts turns the model into a real Tray.
 */
export interface TrayState {
  hosting: HostingStatus;
  /** What the renderer last reported; null before it has said anything. */
  meeting: MeetingReport | null;
}

export type TrayCommand =
  'host' | 'join' | 'rejoin' | 'copy-invite' | 'show' | 'mute' | 'unmute' | 'camera-on' | 'camera-off' | 'leave' | 'stop-hosting' | 'quit';

export type TrayItem = { type: 'command'; id: TrayCommand; label: string } | { type: 'info'; id: string; label: string } | { type: 'separator' };

export interface TrayModel {
  tooltip: string;
  /** 'active' while hosting or in a meeting. */
  icon: 'idle' | 'active';
  items: TrayItem[];
}

export function people(n: number): string {
  return n === 1 ? '1 person' : `${n} people`;
}

const command = (id: TrayCommand, label: string): TrayItem => ({ type: 'command', id, label });
const separator: TrayItem = { type: 'separator' };

export function trayModel({ hosting, meeting }: TrayState): TrayModel {
  const inMeeting = meeting?.stage === 'meeting';
  const isHosting = hosting.state === 'hosting';
  const items: TrayItem[] = [];
  const status: string[] = [];

  if (isHosting) {
    items.push({ type: 'info', id: 'hosting', label: `Hosting “${hosting.invite.meetingName}” · ${hosting.invite.code}` });
    status.push(`hosting “${hosting.invite.meetingName}” (${hosting.invite.code})`);
  }
  if (inMeeting && !(isHosting && meeting.room === hosting.invite.code)) {
    items.push({ type: 'info', id: 'meeting', label: `In meeting ${meeting.room ?? ''}`.trim() });
    status.push(`in meeting ${meeting.room ?? ''}`.trim());
  }
  if (isHosting || inMeeting) {
    const count = inMeeting ? meeting.participants : isHosting ? hosting.participants : 0;
    const label = count === 0 ? 'Nobody has joined yet' : `${people(count)} in the meeting`;
    items.push({ type: 'info', id: 'participants', label });
    status.push(count === 0 ? 'nobody has joined yet' : people(count));
  }
  if (inMeeting) {
    if (!meeting.micEnabled) status.push('muted');
    if (!meeting.cameraEnabled) status.push('camera off');
  }
  if (items.length > 0) items.push(separator);

  if (!isHosting && !inMeeting) items.push(command('host', 'Host a meeting'), command('join', 'Join…'));
  if (isHosting) items.push(command('copy-invite', 'Copy invite link'));
  if (isHosting && !inMeeting) items.push(command('rejoin', 'Join the meeting'));
  items.push(command('show', 'Show window'));

  if (inMeeting) {
    items.push(
      separator,
      meeting.micEnabled ? command('mute', 'Mute') : command('unmute', 'Unmute'),
      meeting.cameraEnabled ? command('camera-off', 'Turn camera off') : command('camera-on', 'Turn camera on'),
      command('leave', 'Leave meeting'),
    );
  }
  if (isHosting) items.push(separator, command('stop-hosting', 'Stop hosting'));
  items.push(separator, command('quit', 'Quit Roundtable'));

  const tooltip = status.length === 0 ? 'Roundtable — not in a meeting' : `Roundtable — ${status.join(' · ')}`;
  return { tooltip, icon: isHosting || inMeeting ? 'active' : 'idle', items };
}
