import type { HostingStatus } from '@shared/ipc/hosting';
import { t } from '../text/i18n';

/**
 * The link to a meeting as the address bar and invites carry it: the meeting's code, never its
 * passcode or the person's name (someone forwarding it should not pass those on).
 */
export function meetingLink(server: string, room: string): string {
  return `${server.replace(/\/+$/, '')}/?${new URLSearchParams({ room })}`;
}

/**
 * What to give people to join. A meeting this desktop app hosts is reached at the host's LAN
 * addresses with its certificate pinned (the hosting invite); otherwise it is the meeting server's
 * address.
 */
export function inviteLinkFor(server: string, room: string, hosting: HostingStatus | null): string {
  if (hosting?.state === 'hosting' && hosting.self.server === server && hosting.invite.code === room) {
    return hosting.invite.links[0]?.url ?? meetingLink(server, room);
  }
  return meetingLink(server, room);
}

/** Puts `text` on the clipboard: the Clipboard API where the page may use it, the older copy command otherwise (plain-HTTP LAN pages). */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // Not a secure context, or no permission: the copy command still works for a click.
  }
  const field = document.createElement('textarea');
  field.value = text;
  field.setAttribute('readonly', '');
  field.style.position = 'fixed';
  field.style.opacity = '0';
  document.body.append(field);
  field.select();
  const done = document.execCommand('copy');
  field.remove();
  if (!done) throw new Error(t('failures.clipboard'));
}
