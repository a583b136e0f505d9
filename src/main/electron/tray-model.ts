import type { HostingStatus } from '@shared/ipc/hosting';
import type { MeetingReport } from '@shared/ipc/meeting';
import { englishText, type Translate } from '../text/desktop-text';

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

const command = (id: TrayCommand, label: string): TrayItem => ({ type: 'command', id, label });
const separator: TrayItem = { type: 'separator' };

/** The tray in the app's language (`t`; English unless said). */
export function trayModel({ hosting, meeting }: TrayState, t: Translate = englishText): TrayModel {
  const inMeeting = meeting?.stage === 'meeting';
  const isHosting = hosting.state === 'hosting';
  const items: TrayItem[] = [];
  const status: string[] = [];

  if (isHosting) {
    const values = { meeting: hosting.invite.meetingName, code: hosting.invite.code };
    items.push({ type: 'info', id: 'hosting', label: t('tray.hosting', values) });
    status.push(t('tray.hostingStatus', values));
  }
  if (inMeeting && !(isHosting && meeting.room === hosting.invite.code)) {
    items.push({ type: 'info', id: 'meeting', label: t('tray.inMeeting', { room: meeting.room ?? '' }).trim() });
    status.push(t('tray.inMeetingStatus', { room: meeting.room ?? '' }).trim());
  }
  if (isHosting || inMeeting) {
    const count = inMeeting ? meeting.participants : isHosting ? hosting.participants : 0;
    const label = count === 0 ? t('tray.nobodyYet') : t('tray.inTheMeeting', { count });
    items.push({ type: 'info', id: 'participants', label });
    status.push(count === 0 ? t('tray.nobodyYetStatus') : t('tray.people', { count }));
  }
  if (inMeeting) {
    if (!meeting.micEnabled) status.push(t('tray.muted'));
    if (!meeting.cameraEnabled) status.push(t('tray.cameraOff'));
  }
  if (items.length > 0) items.push(separator);

  if (!isHosting && !inMeeting) items.push(command('host', t('tray.host')), command('join', t('tray.join')));
  if (isHosting) items.push(command('copy-invite', t('tray.copyInvite')));
  if (isHosting && !inMeeting) items.push(command('rejoin', t('tray.rejoin')));
  items.push(command('show', t('tray.show')));

  if (inMeeting) {
    items.push(
      separator,
      meeting.micEnabled ? command('mute', t('tray.mute')) : command('unmute', t('tray.unmute')),
      meeting.cameraEnabled ? command('camera-off', t('tray.turnCameraOff')) : command('camera-on', t('tray.turnCameraOn')),
      command('leave', t('tray.leave')),
    );
  }
  if (isHosting) items.push(separator, command('stop-hosting', t('tray.stopHosting')));
  items.push(separator, command('quit', t('tray.quit')));

  const tooltip = status.length === 0 ? t('tray.tooltipIdle') : t('tray.tooltip', { status: status.join(' · ') });
  return { tooltip, icon: isHosting || inMeeting ? 'active' : 'idle', items };
}
