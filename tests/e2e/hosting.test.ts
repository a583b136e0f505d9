import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateCertificate, spkiHashOf } from '@roundtable/signaling-server';
import { CertificatePins } from '../../src/main/services/hosting/certificate-pins';
import { HostingService } from '../../src/main/services/hosting/hosting-service';
import { inviteText } from '../../src/main/services/hosting/invite';
import { closeAllParticipants, launchParticipant, type Participant } from './support/chromium';
import { installTestDesktop, startDesktopRendererServer, type RendererServer, type TestDesktop } from './support/desktop-platform';
import { selfId, waitForRemoteTiles, waitForTileColor } from './support/meeting-page';
import { SCREENSHOT_DIR, WEB_ROOT } from './support/paths';

let dataDir: string;
let hosting: HostingService;
let rendererServer: RendererServer;
let desktop: TestDesktop;
let host: Participant;
let guest: Participant;
/** A second desktop app on the LAN, joining by the code and address the host reads out. */
let typist: Participant;
const copied: string[] = [];

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  dataDir = await mkdtemp(join(tmpdir(), 'roundtable-e2e-hosting-'));
  // The app's certificate, made on first use. A browser guest is told to accept exactly this key,
  // as a person clicking through the one-time warning would; so is the host's page, standing in
  // for the desktop app's pinning (which Electron does and this Chromium cannot).
  const certificate = await loadOrCreateCertificate({ dataDir, commonName: 'Roundtable on test' });
  const acceptThisKey = `--ignore-certificate-errors-spki-list=${spkiHashOf(certificate.cert)}`;

  // Main-process services as the desktop app builds them; the LAN is loopback here (tests send
  // traffic only to this machine), and DNS-SD is tested across a real link in discovery.test.ts.
  // The desktop renderer's own build, served from a plain origin of its own (app:// in the app).
  rendererServer = await startDesktopRendererServer(WEB_ROOT);
  hosting = new HostingService({
    dataDir,
    webRoot: WEB_ROOT,
    listenHost: '127.0.0.1',
    preferredPort: 0,
    addresses: () => ['127.0.0.1'],
    discovery: null,
    // The hosted server lets in its own pages and the desktop app (app://roundtable), which this origin stands in for.
    signaling: { allowedOrigins: [rendererServer.url] },
  });

  host = await launchParticipant({ color: 'red', extraFlags: [acceptThisKey] });
  guest = await launchParticipant({ color: 'blue', extraFlags: [acceptThisKey] });
  typist = await launchParticipant({ color: 'green', extraFlags: [acceptThisKey] });
  desktop = await installTestDesktop(host.page, { hosting, pins: new CertificatePins(), discovered: () => [], copyText: (text) => copied.push(text) });
});

afterAll(async () => {
  await closeAllParticipants();
  await hosting?.stop();
  await rendererServer?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('hosting a LAN meeting from the desktop app', () => {
  let hostId: string;
  let guestId: string;
  let link: string;

  it('the host clicks "Host a meeting" and is in their own meeting, served over HTTPS', async () => {
    const { page } = host;
    await page.goto(`${rendererServer.url}/`);
    await page.getByTestId('name-input').fill('Ada Host');
    await page.screenshot({ path: `${SCREENSHOT_DIR}/hosting-home.png`, fullPage: true });
    await page.getByTestId('host-meeting').click();
    hostId = await selfId(page);

    const status = hosting.status();
    if (status.state !== 'hosting') throw new Error('not hosting');
    expect(status.invite.meetingName).toBe("Ada Host's meeting");
    link = status.invite.links[0]!.url;
    expect(link).toBe(`https://127.0.0.1:${status.port}/?room=${status.invite.code}&fp=${status.invite.fingerprint}`);
    // The tray's copy of the state: the renderer reported that it is in the meeting.
    await expect
      .poll(() => desktop.reports.at(-1), { timeout: 10_000 })
      .toMatchObject({ stage: 'meeting', room: status.invite.code, name: 'Ada Host', participants: 1 });
  });

  it("a browser guest opens the invite link over HTTPS, and both see each other's video", async () => {
    const { page } = guest;
    await page.goto(link);
    expect(new URL(page.url()).protocol).toBe('https:');
    await page.getByTestId('name-input').fill('Grace Guest');
    await page.getByTestId('continue-button').click();
    await page.getByTestId('join-button').click();
    guestId = await selfId(page);

    await waitForRemoteTiles(host.page, [guestId]);
    await waitForRemoteTiles(guest.page, [hostId]);
    expect(await waitForTileColor(host.page, guestId, 'blue', 20_000, guest.page), 'the host sees the guest').toBe('blue');
    expect(await waitForTileColor(guest.page, hostId, 'red', 20_000, host.page), 'the guest sees the host').toBe('red');
    await expect.poll(() => hosting.status().state === 'hosting' && hosting.status(), { timeout: 10_000 }).toMatchObject({ participants: 2 });
    await expect.poll(() => desktop.reports.at(-1)?.participants, { timeout: 10_000 }).toBe(2);
    await host.page.screenshot({ path: `${SCREENSHOT_DIR}/hosting-host.png` });
    await guest.page.screenshot({ path: `${SCREENSHOT_DIR}/hosting-guest.png` });
  });

  it("a desktop app given only the code and address asks to compare the fingerprint with the host's, then joins with it", async () => {
    const status = hosting.status();
    if (status.state !== 'hosting') throw new Error('not hosting');
    // Its own main-process services: it has pinned nothing, and hears no announcement.
    const pins = new CertificatePins();
    const typistDesktop = await installTestDesktop(typist.page, { hosting, pins, discovered: () => [], copyText: () => undefined });
    const { page } = typist;
    await page.goto(`${rendererServer.url}/`);
    await page.getByTestId('name-input').fill('Tim Typist');
    await page.getByTestId('room-input').fill(status.invite.code);
    await page.getByTestId('server-input').fill(`127.0.0.1:${status.port}`);
    await page.getByTestId('continue-button').click();

    // The server's certificate is self-signed: nothing is pinned, and the person is shown its fingerprint.
    await page.getByTestId('trust-prompt').waitFor({ timeout: 10_000 });
    const shown = await page.getByTestId('trust-fingerprint').textContent();
    expect(shown).toBe(status.invite.fingerprintText);
    // The host's invite says the same, to compare with.
    expect(inviteText(status.invite)).toContain(`Certificate fingerprint (SHA-256): ${shown}`);
    expect(pins.list()).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/hosting-compare-fingerprint.png`, fullPage: true });

    await page.getByTestId('trust-and-join').click();
    await page.getByTestId('join-button').click();
    const typistId = await selfId(page);
    await waitForRemoteTiles(host.page, [guestId, typistId]);
    expect(await waitForTileColor(host.page, typistId, 'green', 20_000, page), 'the host sees the newcomer').toBe('green');
    // Checked, then pinned: exactly this certificate, for exactly this host:port.
    expect(pins.list()).toEqual([{ server: status.self.server, fingerprint: status.invite.fingerprint }]);
    await expect
      .poll(() => typistDesktop.reports.at(-1), { timeout: 10_000 })
      .toMatchObject({ stage: 'meeting', room: status.invite.code, server: status.self.server });
  });

  it('"Stop hosting" ends the meeting for everyone, who are told so', async () => {
    await hosting.stop();
    await expect.poll(() => guest.page.getByTestId('left-screen').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await guest.page.getByTestId('ended-reason').textContent()).toBe('The host stopped hosting "Ada Host\'s meeting".');
    await expect.poll(() => host.page.getByTestId('left-screen').isVisible(), { timeout: 10_000 }).toBe(true);
    await guest.page.screenshot({ path: `${SCREENSHOT_DIR}/hosting-ended.png` });
  });
});
