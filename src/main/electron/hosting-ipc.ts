import { hostname } from 'node:os';
import { app, clipboard, Notification, session } from 'electron';
import type { SectionHandlers } from '@shared/ipc/contract';
import type { DiscoveredMeeting, HOSTING_CHANNELS } from '@shared/ipc/hosting';
import type { MEETING_CHANNELS } from '@shared/ipc/meeting';
import { CertificatePins, refusalText } from '../services/hosting/certificate-pins';
import type { Discovery } from '../services/hosting/discovery';
import { createHostingHandlers } from '../services/hosting/hosting-handlers';
import { HostingService } from '../services/hosting/hosting-service';
import { inviteText } from '../services/hosting/invite';
import { MeetingLink } from '../services/hosting/meeting-link';
import { MeetingPins } from '../services/hosting/meeting-pins';
import { installCertificatePinning } from './certificate-pinning';
import { sendToRenderer } from './ipc';
import { AppTray, trayImages, type TrayActions, type TrayImages } from './tray';
import { englishText, type Translate } from '../text/desktop-text';
import { readHostingFailure } from '@shared/ipc/hosting';

/** What the composition root hands in for hosting; tests get Electron-free defaults. */
export interface HostingShellServices {
  hosting: HostingService;
  pins: CertificatePins;
  /** DNS-SD; null to neither announce nor browse. */
  discovery: Discovery | null;
  trayImages: TrayImages;
}

export function defaultHostingServices(dataDir: string, webRoot: string): HostingShellServices {
  return {
    hosting: new HostingService({ dataDir, webRoot, discovery: null }),
    pins: new CertificatePins(),
    discovery: null,
    trayImages: trayImages('resources'),
  };
}

export interface InstalledHosting {
  handlers: SectionHandlers<typeof HOSTING_CHANNELS> & SectionHandlers<typeof MEETING_CHANNELS>;
  /** True while closing the window should keep the app in the tray (a meeting, or hosting). */
  hideOnClose: () => boolean;
  /** The renderer went away (its window closed or crashed). */
  rendererGone: () => void;
  tray: AppTray;
}

function notify(title: string, body: string): void {
  if (Notification.isSupported()) new Notification({ title, body }).show();
}

/**
 * Hosting in the desktop app: IPC handlers, the tray, certificate pinning, meetings found on the
 * network, and a clean end (everyone told) when the app quits.
 */
export function installHosting(
  services: HostingShellServices,
  options: { devServerUrl?: string; showWindow: () => void; text?: () => Translate },
): InstalledHosting {
  const { hosting, pins, discovery } = services;
  const { devServerUrl, showWindow } = options;
  const text = options.text ?? (() => englishText);
  const link = new MeetingLink((command) => sendToRenderer('meeting:command', command, devServerUrl));
  let discovered: DiscoveredMeeting[] = [];
  let quitting = false;

  installCertificatePinning(app, session.defaultSession, pins, (refusal) => {
    const t = text();
    const message = refusalText(t, refusal);
    sendToRenderer('hosting:certificate-refused', { host: refusal.host, message }, devServerUrl);
    notify(t('notices.connectionRefused'), message);
  });
  // Pins are set by resolve-invite when the person chooses a meeting; these drop them again.
  const meetingPins = new MeetingPins(pins, hosting);

  discovery?.browse((meetings) => {
    // Only listed: anyone on the network can announce anything, so an announced fingerprint is
    // never pinned from here. Joining one goes through resolve-invite with its link, which checks
    // the server presents that certificate first.
    discovered = meetings;
    sendToRenderer('hosting:discovered', meetings, devServerUrl);
  });

  // The meeting is named after the person (from their app), else after this computer.
  const defaultMeetingName = (): string => {
    const name = link.report?.name.trim();
    return name ? text()('notices.meetingName', { name }) : text()('notices.meetingOnHost', { host: hostname() });
  };

  const hostAndJoin = async (): Promise<void> => {
    try {
      const status = await hosting.start({ meetingName: defaultMeetingName() });
      if (status.state !== 'hosting') return;
      showWindow();
      link.command({ kind: 'join', target: status.self, autojoin: true, start: true });
    } catch (error) {
      const failure = readHostingFailure(error);
      notify(text()('notices.couldNotHost'), failure?.code === 'hosting-failed' ? failure.reason : (error as Error).message);
    }
  };

  const actions: TrayActions = {
    host: () => void hostAndJoin(),
    join: () => {
      showWindow();
      link.command({ kind: 'home' });
    },
    rejoin: () => {
      const status = hosting.status();
      if (status.state !== 'hosting') return;
      showWindow();
      link.command({ kind: 'join', target: status.self, autojoin: true, start: true });
    },
    'copy-invite': () => {
      const status = hosting.status();
      if (status.state === 'hosting') clipboard.writeText(inviteText(status.invite, text()));
    },
    show: showWindow,
    mute: () => link.command({ kind: 'mute' }),
    unmute: () => link.command({ kind: 'unmute' }),
    'camera-on': () => link.command({ kind: 'camera-on' }),
    'camera-off': () => link.command({ kind: 'camera-off' }),
    leave: () => link.command({ kind: 'leave' }),
    'stop-hosting': () => void hosting.stop(),
    quit: () => {
      quitting = true;
      app.quit();
    },
  };
  const tray = new AppTray(services.trayImages, actions, { hosting: hosting.status(), meeting: null }, text);

  hosting.events.on('status', (status) => {
    sendToRenderer('hosting:status', status, devServerUrl);
    tray.update({ hosting: status });
  });
  link.events.on('report', (meeting) => tray.update({ meeting }));

  // Quit really quits: the meeting ends for everyone (they are told why) before the app goes.
  let shutDown = false;
  app.on('before-quit', (event) => {
    quitting = true;
    if (shutDown) return;
    event.preventDefault();
    shutDown = true;
    void hosting
      .stop('quit')
      .then(() => discovery?.close())
      .catch(() => undefined)
      .finally(() => {
        tray.destroy();
        app.quit();
      });
  });

  const handlers = createHostingHandlers({
    hosting,
    pins,
    discovered: () => discovered,
    copyText: (invite) => clipboard.writeText(invite),
    defaultMeetingName,
    text,
  });
  return {
    handlers: {
      ...handlers,
      'meeting:report': (report) => {
        meetingPins.report(report);
        link.receive(report);
      },
    },
    hideOnClose: () => !quitting && (link.inMeeting || hosting.status().state === 'hosting'),
    rendererGone: () => {
      meetingPins.rendererGone();
      link.forget();
    },
    tray,
  };
}
