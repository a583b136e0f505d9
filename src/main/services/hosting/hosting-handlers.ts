import { z } from 'zod';
import { verifyPinnedServer } from '@roundtable/signaling-server';
import type { DiscoveredMeeting, HostingChannels } from '@shared/ipc/hosting';
import type { MeetingReport } from '@shared/ipc/meeting';
import { endpointLabel, endpointOf, type CertificatePins } from './certificate-pins';
import type { HostingService } from './hosting-service';
import { InviteError, inviteText, parseInviteLink, parseServerAndCode, UntrustedCertificateError } from './invite';
import { probeTrust, type PresentedCertificate } from './trust-probe';

const HostOptionsSchema = z
  .strictObject({
    meetingName: z.string().trim().max(64).optional(),
    port: z.number().int().min(1).max(65535).optional(),
  })
  .optional();

const InviteRequestSchema = z.union([
  z.strictObject({ link: z.string().min(1).max(2048) }),
  z.strictObject({ server: z.string().min(1).max(512), room: z.string().min(1).max(64) }),
]);

export const MeetingReportSchema = z.strictObject({
  stage: z.enum(['home', 'prejoin', 'meeting', 'left']),
  name: z.string().max(64),
  room: z.string().max(64).nullable(),
  server: z.string().max(512).nullable(),
  participants: z.number().int().min(0).max(10_000),
  micEnabled: z.boolean(),
  cameraEnabled: z.boolean(),
}) satisfies z.ZodType<MeetingReport>;

/** Validates what a renderer sent; a clear error and nothing done when it does not fit. */
export function validate<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`${what}: ${z.prettifyError(result.error)}`);
  return result.data;
}

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
}

export type HostingHandlers = { [C in keyof HostingChannels]: (...args: unknown[]) => Promise<HostingChannels[C]['result']> };

/**
 * The hosting channels, Electron-free: the shell registers them as IPC handlers, and the end-to-end
 * tests call them from a page through Playwright, so both run the same checks.
 */
export function createHostingHandlers(deps: HostingHandlerDeps): HostingHandlers {
  const verify = deps.verify ?? ((server: string, fingerprint: string) => verifyPinnedServer(server, fingerprint));
  const probe = deps.probe ?? ((server: string) => probeTrust(server));
  const unreachable = (server: string, error: unknown): InviteError =>
    new InviteError(`Cannot reach the meeting server at ${new URL(server).host}: ${(error as Error).message}`);

  return {
    'hosting:status': async () => deps.hosting.status(),
    'hosting:start': async (options?: unknown) => {
      const valid = validate(HostOptionsSchema, options, 'hosting:start');
      const meetingName = valid?.meetingName || deps.defaultMeetingName?.();
      return deps.hosting.start({ ...valid, ...(meetingName ? { meetingName } : {}) });
    },
    'hosting:stop': async () => deps.hosting.stop(),
    'hosting:copy-invite': async () => {
      const status = deps.hosting.status();
      if (status.state !== 'hosting') return null;
      const text = inviteText(status.invite);
      deps.copyText(text);
      return text;
    },
    'hosting:discovered': async () => deps.discovered(),
    // The one place a meeting's pin is set: the person chose this meeting (a link, a meeting in the
    // list, a fingerprint they compared), and its server presented exactly that certificate.
    'hosting:resolve-invite': async (request: unknown) => {
      const valid = validate(InviteRequestSchema, request, 'hosting:resolve-invite');
      const target = 'link' in valid ? parseInviteLink(valid.link) : parseServerAndCode(valid.server, valid.room);
      if (target.fingerprint) {
        try {
          await verify(target.server, target.fingerprint);
        } catch (error) {
          if (error instanceof Error && error.name === 'CertificatePinError') throw error;
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
