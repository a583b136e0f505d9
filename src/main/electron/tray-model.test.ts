import { describe, expect, it } from 'vitest';
import type { HostingStatus } from '@shared/ipc/hosting';
import type { MeetingReport } from '@shared/ipc/meeting';
import { desktopText } from '../text/desktop-text';
import { trayModel, type TrayModel } from './tray-model';

const idle: HostingStatus = { state: 'idle', lastError: null };
const hosting = (participants: number): HostingStatus => ({
  state: 'hosting',
  port: 8443,
  participants,
  announced: true,
  self: { server: 'https://127.0.0.1:8443', room: 'calm-otter-42', fingerprint: 'fp' },
  invite: { code: 'calm-otter-42', meetingName: "Ada's meeting", fingerprint: 'fp', fingerprintText: 'AB', links: [] },
});
const meeting = (change: Partial<MeetingReport> = {}): MeetingReport => ({
  stage: 'meeting',
  name: 'Ada',
  room: 'calm-otter-42',
  server: 'https://127.0.0.1:8443',
  participants: 3,
  micEnabled: true,
  cameraEnabled: true,
  ...change,
});

/** The menu as a person reads it: labels, with "—" for separators. */
const labels = (model: TrayModel): string[] => model.items.map((item) => (item.type === 'separator' ? '—' : item.label));

describe('the tray menu', () => {
  it('when idle offers to host or join, and says nothing is going on', () => {
    const model = trayModel({ hosting: idle, meeting: null });
    expect(labels(model)).toEqual(['Host a meeting', 'Join…', 'Show window', '—', 'Quit Roundtable']);
    expect(model.tooltip).toBe('Roundtable — not in a meeting');
    expect(model.icon).toBe('idle');
    // Back home after a meeting is still idle.
    expect(labels(trayModel({ hosting: idle, meeting: meeting({ stage: 'left', participants: 0 }) }))).toEqual(labels(model));
  });

  it('when hosting (and the host has left their own meeting) offers the invite, rejoining and stopping', () => {
    const model = trayModel({ hosting: hosting(2), meeting: meeting({ stage: 'home', participants: 0 }) });
    expect(labels(model)).toEqual([
      "Hosting “Ada's meeting” · calm-otter-42",
      '2 people in the meeting',
      '—',
      'Copy invite link',
      'Join the meeting',
      'Show window',
      '—',
      'Stop hosting',
      '—',
      'Quit Roundtable',
    ]);
    expect(model.tooltip).toBe("Roundtable — hosting “Ada's meeting” (calm-otter-42) · 2 people");
    expect(model.icon).toBe('active');
    expect(trayModel({ hosting: hosting(0), meeting: null }).tooltip).toBe("Roundtable — hosting “Ada's meeting” (calm-otter-42) · nobody has joined yet");
  });

  it('when hosting and in the meeting shows the live count from the meeting and every control', () => {
    const model = trayModel({ hosting: hosting(3), meeting: meeting({ participants: 4 }) });
    expect(labels(model)).toEqual([
      "Hosting “Ada's meeting” · calm-otter-42",
      '4 people in the meeting',
      '—',
      'Copy invite link',
      'Show window',
      '—',
      'Mute',
      'Turn camera off',
      'Leave meeting',
      '—',
      'Stop hosting',
      '—',
      'Quit Roundtable',
    ]);
  });

  it("when in someone else's meeting offers the call controls, not hosting", () => {
    const model = trayModel({ hosting: idle, meeting: meeting({ room: 'team-sync', participants: 1 }) });
    expect(labels(model)).toEqual([
      'In meeting team-sync',
      '1 person in the meeting',
      '—',
      'Show window',
      '—',
      'Mute',
      'Turn camera off',
      'Leave meeting',
      '—',
      'Quit Roundtable',
    ]);
    expect(model.tooltip).toBe('Roundtable — in meeting team-sync · 1 person');
    expect(model.icon).toBe('active');
  });

  it('when muted with the camera off offers to unmute and turn it on, and says so', () => {
    const model = trayModel({ hosting: idle, meeting: meeting({ micEnabled: false, cameraEnabled: false }) });
    expect(labels(model)).toContain('Unmute');
    expect(labels(model)).toContain('Turn camera on');
    expect(labels(model)).not.toContain('Mute');
    expect(model.tooltip).toBe('Roundtable — in meeting calm-otter-42 · 3 people · muted · camera off');
    const commands = model.items.flatMap((item) => (item.type === 'command' ? [item.id] : []));
    expect(commands).toEqual(['show', 'unmute', 'camera-on', 'leave', 'quit']);
  });

  it('speaks Russian, with the plural each number takes', () => {
    const ru = desktopText('ru');
    const count = (n: number): string | undefined => {
      const item = trayModel({ hosting: idle, meeting: meeting({ participants: n }) }, ru).items.find((i) => i.type === 'info' && i.id === 'participants');
      return item && item.type !== 'separator' ? item.label : undefined;
    };
    expect([1, 2, 5, 21].map(count)).toEqual(['На встрече 1 участник', 'На встрече 2 участника', 'На встрече 5 участников', 'На встрече 21 участник']);
    const idleMenu = trayModel({ hosting: idle, meeting: null }, ru);
    expect(labels(idleMenu)).toEqual(['Провести встречу', 'Присоединиться…', 'Показать окно', '—', 'Закрыть Roundtable']);
    expect(idleMenu.tooltip).toBe('Roundtable — вы не на встрече');
    expect(trayModel({ hosting: idle, meeting: meeting({ micEnabled: false }) }, ru).tooltip).toBe(
      'Roundtable — на встрече calm-otter-42 · 3 участника · микрофон выключен',
    );
  });
});
