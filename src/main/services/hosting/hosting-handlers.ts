import { CertificatePinError, formatFingerprint, verifyPinnedServer } from '@roundtable/signaling-server';
import type { SectionHandlers } from '@shared/ipc/contract';
import type { DiscoveredMeeting, HOSTING_CHANNELS } from '@shared/ipc/hosting';
import { errorMessage } from '@shared/errors';
import { DesktopError } from '@shared/ipc/result';
import { endpointLabel, endpointOf, type CertificatePins } from './certificate-pins';
import type { HostingService } from './hosting-service';
import { InviteError, inviteText, parseInviteLink, parseServerAndCode, UntrustedCertificateError } from './invite';
import { probeTrust, type PresentedCertificate } from './trust-probe';
import { englishText, type Translate } from '../../text/desktop-text';

export interface HostingHandlerDeps {
  hosting: HostingService;
  /** Set here only, by resolve-invite, after the server presented the certificate (see MeetingPins for the rest of their life). */
  pins: CertificatePins;
  discovered: () => DiscoveredMeeting[];
  copyText: (text: string) => void;
  /** Checks, before anything is pinned, that the server presents exactly this certificate. */
  verify?: (server: string, fingerprint: string) => Promise<void>;
  /** Reads the certificate a server presents, and whether the usual CA checks accept it. */
  probe?: (server: string) => Promise<PresentedCertificate>;
  /** The meeting name when the request gives none (e.g. "Ada's meeting"). */
  defaultMeetingName?: () => string | undefined;
  /** The app's words now (the invite copied to the clipboard); English by default. */
  text?: () => Translate;
}

export type HostingHandlers = SectionHandlers<typeof HOSTING_CHANNELS>;

/**
 * The hosting channels, Electron-free: the shell registers them (registerChannels validates their
 * arguments first), and the end-to-end tests call them from a page through Playwright by the same
 * path (runChannel), so both run the same checks.
 */
export function createHostingHandlers(deps: HostingHandlerDeps): HostingHandlers {
  const verify = deps.verify ?? ((server: string, fingerprint: string) => verifyPinnedServer(server, fingerprint));
  const probe = deps.probe ?? ((server: string) => probeTrust(server));
  const text = deps.text ?? (() => englishText);
  const unreachable = (server: string, error: unknown): InviteError => {
    const host = new URL(server).host;
    const reason = errorMessage(error);
    return new InviteError(`Cannot reach the meeting server at ${host}: ${reason}`, 'unreachable', { host, reason });
  };

  return {
    'hosting:status': async () => deps.hosting.status(),
    'hosting:start': async (options) => {
      const meetingName = options?.meetingName || deps.defaultMeetingName?.();
      return deps.hosting.start({ ...options, ...(meetingName ? { meetingName } : {}) });
    },
    'hosting:stop': async () => deps.hosting.stop(),
    'hosting:copy-invite': async () => {
      const status = deps.hosting.status();
      if (status.state !== 'hosting') return null;
      const invite = inviteText(status.invite, text());
      deps.copyText(invite);
      return invite;
    },
    'hosting:discovered': async () => deps.discovered(),
    // The one place a meeting's pin is set: the person chose this meeting (a link, a meeting in the
    // list, a fingerprint they compared), and its server presented exactly that certificate.
    'hosting:resolve-invite': async (request) => {
      const target = 'link' in request ? parseInviteLink(request.link) : parseServerAndCode(request.server, request.room);
      if (target.fingerprint) {
        try {
          await verify(target.server, target.fingerprint);
        } catch (error) {
          if (error instanceof CertificatePinError)
            throw new DesktopError('certificate-refused', error.message, {
              host: new URL(target.server).host,
              expected: formatFingerprint(error.expected),
              presented: error.presented === null ? null : formatFingerprint(error.presented),
            });
          throw unreachable(target.server, error);
        }
        // Replaces whatever this host:port had; a failed check above changed nothing.
        deps.pins.pin(target.server, target.fingerprint);
      } else if (target.server.startsWith('https:')) {
        // No fingerprint: nothing is pinned, and the certificate must pass the usual checks, as in
        // a browser. A self-signed one is named by its fingerprint, for the person to compare.
        let presented: PresentedCertificate;
        try {
          presented = await probe(target.server);
        } catch (error) {
          throw unreachable(target.server, error);
        }
        if (!presented.trusted) {
          throw new UntrustedCertificateError(endpointLabel(endpointOf(target.server)!), presented.fingerprint, presented.reason ?? 'not trusted');
        }
      }
      return target;
    },
  };
}
