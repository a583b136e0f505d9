import { buildWebClient } from '../../../scripts/build/web-client';
import { CHROMIUM, FFMPEG, HEADLESS_SHELL, IP, NFT, PACTL, PULSEAUDIO, requirePrerequisites, TURNSERVER } from '../../support/prerequisites';
import { WEB_ROOT } from './paths';

/**
 * Checks that this machine has what the end-to-end tests use (and stops at once, in one line, if
 * not), then builds the web client once for the whole run; every test serves it from the real server.
 */
export default async function setup(): Promise<void> {
  requirePrerequisites([CHROMIUM, HEADLESS_SHELL, FFMPEG, PULSEAUDIO, PACTL, IP, NFT, TURNSERVER], { root: true });
  await buildWebClient(WEB_ROOT);
}
