import { execFileSync } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A program the tests run, and the Debian package it comes in. */
export interface Prerequisite {
  command: string;
  pkg: string;
  why: string;
}

export const CHROMIUM = { command: process.env.CHROMIUM_PATH ?? 'chromium', pkg: 'chromium', why: 'browser tests' };
export const HEADLESS_SHELL = {
  command: process.env.CHROMIUM_HEADLESS_SHELL_PATH ?? 'chromium-headless-shell',
  pkg: 'chromium-headless-shell',
  why: 'most browser tests (a lighter Chromium)',
};
export const FFMPEG = { command: 'ffmpeg', pkg: 'ffmpeg', why: 'capture, devices and recording' };
export const PULSEAUDIO = { command: 'pulseaudio', pkg: 'pulseaudio', why: 'a private sound server for the capture tests' };
export const PACTL = { command: 'pactl', pkg: 'pulseaudio-utils', why: 'the capture tests' };
export const IP = { command: 'ip', pkg: 'iproute2', why: 'the network-fault tests (network namespaces)' };
export const NFT = { command: 'nft', pkg: 'nftables', why: 'lossy links in the network-fault tests (netns.ts lose())' };
export const TURNSERVER = { command: 'turnserver', pkg: 'coturn', why: 'a call relayed through TURN' };
export const REDIS = { command: 'redis-server', pkg: 'redis-server', why: 'the multi-node server tests' };
export const POSTGRES = { command: postgresBin('initdb'), pkg: 'postgresql', why: 'chat in PostgreSQL' };

/** Debian puts PostgreSQL's programs in /usr/lib/postgresql/<version>/bin, off the PATH. */
function postgresBin(program: string): string {
  const root = '/usr/lib/postgresql';
  let versions: string[] = [];
  try {
    versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  } catch {
    versions = [];
  }
  return versions[0] ? join(root, versions[0], 'bin', program) : `${root}/<version>/bin/${program}`;
}

function onPath(command: string): boolean {
  const candidates = command.includes('/') ? [command] : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, command));
  return candidates.some((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Stops a test run at once, with one line, when this machine lacks what the tests need: which
 * programs (and packages), and the command that installs them.
 */
export function requirePrerequisites(needed: readonly Prerequisite[], options: { root?: boolean } = {}): void {
  const missing = needed.filter((p) => !onPath(p.command));
  const notRoot = options.root === true && process.getuid?.() !== 0;
  if (missing.length === 0 && !notRoot) return;
  const parts = [];
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((p) => p.pkg))].join(' ');
    parts.push(`missing ${missing.map((p) => `${p.command} (${p.why})`).join(', ')}: run \`npm run setup:test\` (apt-get install ${packages})`);
  }
  if (notRoot) parts.push('the network-fault tests build network namespaces: run the tests as root');
  throw new Error(`The tests cannot run here: ${parts.join('; ')}.`);
}

/** Whether `command --version` works (for tests that skip nothing but want to say why). */
export function runs(command: string): boolean {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
