import type { HostingApi } from '@shared/ipc/hosting';
import type { MeetingApi } from '@shared/ipc/meeting';
import { invoke } from './bridge';

/** `window.desktop.hosting`: host on the LAN, find meetings, resolve invites. */
export const hostingApi: HostingApi = {
  status: () => invoke('hosting:status'),
  start: (options) => invoke('hosting:start', options),
  stop: () => invoke('hosting:stop'),
  copyInvite: () => invoke('hosting:copy-invite'),
  discovered: () => invoke('hosting:discovered'),
  resolveInvite: (request) => invoke('hosting:resolve-invite', request),
};

/** `window.desktop.meeting`: the renderer reports its meeting state (for the tray). */
export const meetingApi: MeetingApi = {
  report: (report) => invoke('meeting:report', report),
};
