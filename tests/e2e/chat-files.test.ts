import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { pdf, png } from '../../signaling-server/test/support/files';
import { closeAllParticipants, launchParticipant, type Participant } from './support/chromium';
import { joinMeeting, openChat } from './support/meeting-page';
import { SCREENSHOT_DIR } from './support/paths';
import { startServerProcess, type ServerProcess } from './support/server-process';

/**
 * Files in the chat, end to end: the real server command (SQLite and files in its data folder),
 * the real web client in Chromium. Two people exchange an image and a PDF through the paperclip,
 * a drop and a paste; the image shows a preview; the PDF downloads with the same bytes; what the
 * meeting does not take is refused with a reason; an outsider with a copied link gets nothing; a
 * late joiner sees the files; and a server killed with SIGKILL keeps every file it acknowledged.
 */
let server: ServerProcess | undefined;
afterAll(async () => {
  await closeAllParticipants();
  await server?.kill();
});

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const ORANGE: [number, number, number] = [235, 120, 20];

function fileOnDisk(dir: string, name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Shares a file the way a drop onto the chat panel does (a DataTransfer with a File in it). */
async function dropFile(page: Page, name: string, bytes: Uint8Array, type: string): Promise<void> {
  await page.evaluate(
    ({ name, data, type }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name, { type }));
      const panel = document.querySelector('[data-testid="chat-panel"]')!;
      for (const kind of ['dragenter', 'dragover', 'drop'])
        panel.dispatchEvent(new DragEvent(kind, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    },
    { name, data: Buffer.from(bytes).toString('base64'), type },
  );
}

/** Shares a file the way pasting one into the message box does. */
async function pasteFile(page: Page, name: string, bytes: Uint8Array, type: string): Promise<void> {
  await page.evaluate(
    ({ name, data, type }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name, { type }));
      const input = document.querySelector('[data-testid="chat-input"]')!;
      input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
    },
    { name, data: Buffer.from(bytes).toString('base64'), type },
  );
}

const sharedFile = (page: Page, name: string) => page.locator(`[data-testid="chat-file"][data-file-name="${name}"]`);
const upload = (page: Page, name: string) => page.locator(`[data-testid="chat-file-upload"][data-file-name="${name}"]`);

/** The colour in the middle of an image's preview (its canvas), once it is drawn. */
async function previewColour(page: Page, name: string): Promise<number[]> {
  const canvas = sharedFile(page, name).locator('[data-testid="chat-file-preview"][data-ready="true"]');
  await canvas.waitFor({ timeout: 15_000 });
  return canvas.evaluate((element: HTMLCanvasElement) => {
    const data = element.getContext('2d')!.getImageData(element.width / 2, element.height / 2, 1, 1).data;
    return [data[0]!, data[1]!, data[2]!];
  });
}

/** Clicks the file's download button; resolves with the saved bytes and the name the browser was given. */
async function download(page: Page, name: string, dir: string, timeout = 15_000): Promise<{ bytes: Buffer; suggested: string }> {
  const [saved] = await Promise.all([page.waitForEvent('download', { timeout }), sharedFile(page, name).getByTestId('chat-file-download').click()]);
  const path = join(dir, `downloaded-${Date.now()}-${name}`);
  await saved.saveAs(path);
  return { bytes: readFileSync(path), suggested: saved.suggestedFilename() };
}

const near = (rgb: number[], expected: readonly number[]): boolean => rgb.every((c, i) => Math.abs(c - expected[i]!) < 12);

describe('files in the chat', () => {
  it('two people exchange an image and a PDF; limits, disguises and outsiders are refused; a late joiner sees them; SIGKILL loses none', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rt-files-e2e-'));
    const work = mkdtempSync(join(tmpdir(), 'rt-files-work-'));
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    server = await startServerProcess(0, dataDir);
    const port = server.port;
    const ada = await launchParticipant({ color: 'red' });
    const bob = await launchParticipant({ color: 'blue' });
    await joinMeeting(ada.page, server.url, 'file-room', 'Ada');
    await joinMeeting(bob.page, server.url, 'file-room', 'Bob');
    await openChat(ada.page);
    await openChat(bob.page);

    // Ada shares a picture with the paperclip; both see its preview, drawn from its bytes.
    const image = png(480, 270, ORANGE);
    await ada.page.getByTestId('chat-file-input').setInputFiles(fileOnDisk(work, 'sunset.png', image));
    for (const page of [ada.page, bob.page]) expect(near(await previewColour(page, 'sunset.png'), ORANGE)).toBe(true);
    await expect.poll(() => sharedFile(bob.page, 'sunset.png').getByTestId('chat-file-meta').textContent()).toMatch(/PNG image · \d+ KB/);

    // Bob drops a PDF on the chat: name, kind and size on the message; Ada downloads the same bytes.
    const report = pdf('quarterly report');
    const requests: Array<{ url: string; authorization: string | undefined }> = [];
    ada.page.on('request', (request) => {
      if (request.method() === 'GET' && new URL(request.url()).pathname.startsWith('/files/')) {
        requests.push({ url: request.url(), authorization: request.headers()['authorization'] });
      }
    });
    await dropFile(bob.page, 'Quarterly report.pdf', report, 'application/pdf');
    await sharedFile(ada.page, 'Quarterly report.pdf').waitFor({ timeout: 15_000 });
    expect(await sharedFile(ada.page, 'Quarterly report.pdf').getByTestId('chat-file-meta').textContent()).toBe(`PDF document · ${report.length} bytes`);
    const got = await download(ada.page, 'Quarterly report.pdf', work);
    expect(sha256(got.bytes)).toBe(sha256(report));
    expect(got.suggested).toBe('Quarterly report.pdf');
    await bob.page.screenshot({ path: `${SCREENSHOT_DIR}/chat-files.png` });

    // A page shared as what it is downloads as a file; nothing opens, nothing runs.
    const page = Buffer.from('<!doctype html><title>x</title><script>document.title = "ran"</script>');
    await pasteFile(bob.page, 'notes.html', page, 'text/html');
    await sharedFile(ada.page, 'notes.html').waitFor({ timeout: 15_000 });
    const html = await download(ada.page, 'notes.html', work);
    expect(html.bytes).toEqual(page);
    expect(ada.page.url()).toContain('/?room=file-room');

    // The host lowers the limit to 1 MB: a 2 MB file is refused, with the reason.
    await ada.page.getByTestId('chat-file-limit-select').selectOption(String(1024 * 1024));
    await expect.poll(() => bob.page.getByTestId('chat-file-limit').textContent()).toBe('Files up to 1 MB');
    await bob.page.getByTestId('chat-file-input').setInputFiles(fileOnDisk(work, 'big.bin', Buffer.alloc(2 * 1024 * 1024, 7)));
    const refused = upload(bob.page, 'big.bin').getByTestId('chat-file-problem');
    await expect.poll(() => refused.getAttribute('data-problem')).toBe('file-too-large');
    expect(await refused.textContent()).toBe('Not sent: this meeting takes files up to 1 MB.');

    // An HTML page disguised as a picture is refused by the server.
    await bob.page.getByTestId('chat-file-input').setInputFiles(fileOnDisk(work, 'cat.png', page));
    const disguised = upload(bob.page, 'cat.png').getByTestId('chat-file-problem');
    await expect.poll(() => disguised.getAttribute('data-problem'), { timeout: 15_000 }).toBe('file-type');
    expect(await sharedFile(ada.page, 'cat.png').count()).toBe(0);
    await bob.page.screenshot({ path: `${SCREENSHOT_DIR}/chat-files-refused.png` });
    await ada.page.screenshot({ path: `${SCREENSHOT_DIR}/chat-files-host.png` });

    // An outsider with the download link Ada's browser used (and even the token it sent) gets nothing.
    const copied = requests.find((r) => r.url.includes('/files/'))!;
    expect(copied.authorization).toMatch(/^Bearer /);
    const cy: Participant = await launchParticipant({ color: 'yellow' });
    const opened = await cy.page.goto(copied.url);
    expect(opened?.status()).toBe(401);
    expect(await opened?.text()).not.toContain('%PDF');
    const withToken = await cy.page.request.get(copied.url, { headers: { authorization: copied.authorization! } });
    expect(withToken.status()).toBe(401);

    // A late joiner sees the earlier files in the history, the picture's preview too.
    await joinMeeting(cy.page, server.url, 'file-room', 'Cy');
    await openChat(cy.page);
    expect(near(await previewColour(cy.page, 'sunset.png'), ORANGE)).toBe(true);
    await sharedFile(cy.page, 'Quarterly report.pdf').waitFor();
    await sharedFile(cy.page, 'notes.html').waitFor();

    // The server is killed (no goodbye, nothing flushed) and started again: every acknowledged file is there.
    await server.kill();
    server = await startServerProcess(port, dataDir);
    // Cy's app reconnects on its own; until it is back in, a download is refused (and says so).
    let afterRestart: { bytes: Buffer } | null = null;
    for (const deadline = Date.now() + 30_000; !afterRestart && Date.now() < deadline;) {
      afterRestart = await download(cy.page, 'Quarterly report.pdf', work, 3000).catch(() => null);
    }
    expect(sha256(afterRestart!.bytes)).toBe(sha256(report));
    await cy.page.reload();
    await openChat(cy.page);
    expect(near(await previewColour(cy.page, 'sunset.png'), ORANGE)).toBe(true);
    expect(await cy.page.locator('[data-testid="chat-file"]').count()).toBe(3);
  });
});
