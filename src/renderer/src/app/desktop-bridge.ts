import type { DesktopApi } from '@shared/desktop-api';
import { readUntrustedCertificate, type JoinTarget } from '@shared/ipc/hosting';
import type { MeetingCommand, MeetingReport } from '@shared/ipc/meeting';
import { Store } from '../call/store';
import { idleLobby, noLobby, setLobby, type Lobby, type LobbyState } from '../platform/lobby';
import type { Platform } from '../platform/platform';
import type { AppController } from './app-controller';
import { t } from '../text/i18n';
import { hostingFailureText } from '../text/failures';

/** A failure to show: worded from its code when main gave one (hosting, invite links), else its own words. */
function message(error: unknown): string {
  const worded = hostingFailureText(error);
  if (worded !== null) return worded;
  const text = error instanceof Error ? error.message : String(error);
  // Electron prefixes errors thrown in main: "Error invoking remote method 'x': Error: …".
  return text.replace(/^Error invoking remote method '[^']+': (\w*Error: )?/, '');
}

/** What the renderer tells main about its meeting (the tray shows it). */
export function meetingReport(controller: AppController): MeetingReport {
  const app = controller.state.get();
  const media = controller.media.state.get();
  const call = app.session?.state.get();
  const inMeeting = app.stage === 'meeting' && call !== undefined;
  return {
    stage: app.stage,
    name: app.choice.name.slice(0, 64),
    room: app.stage === 'home' ? null : app.choice.room || null,
    server: app.choice.server ? app.choice.server.slice(0, 512) : null,
    participants: inMeeting ? call.participants.length + 1 : 0,
    micEnabled: media.micEnabled,
    cameraEnabled: media.cameraEnabled,
  };
}

/**
 * Connects the renderer to the desktop shell: reports the meeting state to main (for the tray),
 * runs the tray's commands, and offers hosting and discovery to the home screen. Does nothing in
 * a browser. Returns the function that undoes it.
 */
export function installDesktopBridge(controller: AppController, platform: Platform): () => void {
  const desktop: DesktopApi | null = platform.desktop;
  // A shell (or a test's stand-in) without these sections offers no hosting: stay out of the way.
  if (!desktop?.hosting || !desktop.meeting) return () => undefined;

  const state = new Store<LobbyState>({ ...idleLobby, available: true });
  const patch = (change: Partial<LobbyState>): void => state.update((s) => ({ ...s, ...change }));
  const offs: Array<() => void> = [];

  // Report to main whenever what it shows changes.
  let last = '';
  const report = (): void => {
    const next = meetingReport(controller);
    const key = JSON.stringify(next);
    if (key === last) return;
    last = key;
    void desktop.meeting.report(next).catch((error: unknown) => console.warn(`meeting report: ${message(error)}`));
  };
  let offSession: (() => void) | undefined;
  let watched: unknown = null;
  const onApp = (): void => {
    const session = controller.state.get().session;
    if (session !== watched) {
      offSession?.();
      offSession = session?.state.subscribe(report);
      watched = session;
    }
    report();
  };
  offs.push(controller.state.subscribe(onApp), controller.media.state.subscribe(report), () => offSession?.());
  onApp();

  const nameOr = (name: string): string => name.trim() || controller.state.get().choice.name || 'Host';
  /** The meeting last opened, with the fingerprint it was joined with (for Rejoin). */
  let opened: JoinTarget | null = null;
  /**
   * Opens a meeting from an invite (or the host's own): the pre-join screen, or straight in with
   * `autojoin`. Its certificate was pinned when the target was resolved; leaving a meeting drops its
   * pin, so a target is resolved while on the home screen, not before leaving another meeting.
   */
  const open = async (target: JoinTarget, name: string, autojoin: boolean, start = false): Promise<void> => {
    opened = target;
    if (controller.state.get().stage === 'meeting') await controller.leave();
    await controller.prepare({ name: nameOr(name), room: target.room, server: target.server, ...(start ? { start } : {}) });
    if (autojoin) await controller.join();
  };

  const run = async (command: MeetingCommand): Promise<void> => {
    const session = controller.state.get().session;
    switch (command.kind) {
      case 'mute':
      case 'unmute':
        if (session) session.setMicEnabled(command.kind === 'unmute');
        else controller.media.setMicEnabled(command.kind === 'unmute');
        return;
      case 'camera-on':
      case 'camera-off':
        if (session) await session.setCameraEnabled(command.kind === 'camera-on');
        else await controller.media.setCameraEnabled(command.kind === 'camera-on');
        return;
      case 'leave':
        if (controller.state.get().stage === 'meeting') await controller.leave();
        return;
      case 'home':
        if (controller.state.get().stage !== 'meeting') controller.goHome();
        return;
      case 'join':
        return open(command.target, '', command.autojoin, command.start ?? false);
    }
  };
  offs.push(desktop.on('meeting:command', (command) => void run(command).catch((error: unknown) => patch({ error: message(error) }))));

  // Meetings on the network and our own hosting, live.
  offs.push(
    desktop.on('hosting:discovered', (meetings) => patch({ meetings })),
    desktop.on('hosting:status', (hosting) => patch({ hosting })),
    desktop.on('hosting:certificate-refused', ({ message: text }) => patch({ error: text })),
  );
  void desktop.hosting.discovered().then(
    (meetings) => patch({ meetings }),
    () => undefined,
  );
  void desktop.hosting.status().then(
    (hosting) => patch({ hosting }),
    () => undefined,
  );

  const task = async (work: () => Promise<void>): Promise<void> => {
    patch({ busy: true, error: null, untrusted: null });
    try {
      await work();
    } catch (error) {
      patch({ error: message(error) });
    } finally {
      patch({ busy: false });
    }
  };

  const lobby: Lobby = {
    state,
    host: (name) =>
      task(async () => {
        const hosting = await desktop.hosting.start(name.trim() ? { meetingName: t('lobby.meetingName', { name: name.trim() }) } : {});
        patch({ hosting });
        if (hosting.state === 'hosting') await open(hosting.self, name, true, true);
      }),
    stopHosting: () =>
      task(async () => {
        patch({ hosting: await desktop.hosting.stop() });
      }),
    copyInvite: () => desktop.hosting.copyInvite(),
    joinLink: (link, name) => task(async () => open(await desktop.hosting.resolveInvite({ link }), name, false)),
    // The announced fingerprint is only a hint: the link carries it, and resolving it checks that
    // the server presents that certificate before anything is pinned.
    joinDiscovered: (meeting, name) => task(async () => open(await desktop.hosting.resolveInvite({ link: meeting.url }), name, false)),
    joinServer: (choice) =>
      task(async () => {
        // Plain http is for a server beside the app (loopback): nothing to check.
        if (!choice.server.startsWith('https:')) return controller.prepare(choice);
        try {
          await open(await desktop.hosting.resolveInvite({ server: choice.server, room: choice.room }), choice.name, false, choice.start ?? false);
        } catch (error) {
          const untrusted = readUntrustedCertificate(error);
          if (!untrusted) throw error;
          patch({ untrusted: { ...untrusted, server: choice.server, room: choice.room, name: choice.name } });
        }
      }),
    trustAndJoin: () => {
      const pending = state.get().untrusted;
      if (!pending) return Promise.resolve();
      return task(async () => {
        const link = `${pending.server}/?${new URLSearchParams({ room: pending.room, fp: pending.fingerprintText })}`;
        await open(await desktop.hosting.resolveInvite({ link }), pending.name, false);
      });
    },
    dismissUntrusted: () => patch({ untrusted: null }),
    rejoin: (startAgain = false) =>
      task(async () => {
        const { choice } = controller.state.get();
        if (opened?.fingerprint && opened.server === choice.server) {
          const link = `${opened.server}/?${new URLSearchParams({ room: choice.room, fp: opened.fingerprint })}`;
          await desktop.hosting.resolveInvite({ link });
        }
        await controller.rejoin(startAgain);
      }),
  };

  setLobby(lobby);
  return () => {
    for (const off of offs.splice(0)) off();
    setLobby(noLobby);
  };
}
