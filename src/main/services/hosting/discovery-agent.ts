/**
 * A small command-line face of hosting and discovery, one JSON object per line on stdout:
 *
 *   tsx src/main/services/hosting/discovery-agent.ts host --data-dir DIR [--name NAME] [--port N]
 *       hosts a meeting and announces it; "stop" on stdin stops hosting (and the announcement)
 *   tsx src/main/services/hosting/discovery-agent.ts browse [--verify]
 *       lists the meetings on the network as they come and go; --verify checks each one's
 *       certificate against the fingerprint it announced
 *
 * The discovery test runs one of each in two network namespaces joined by a veth pair.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { verifyPinnedServer } from '@roundtable/signaling-server';
import { createMdnsDiscovery } from './discovery';
import { HostingService } from './hosting-service';

const out = (event: string, data: object = {}): void => void process.stdout.write(`${JSON.stringify({ event, ...data })}\n`);

async function host(dataDir: string, name: string | undefined, port: number): Promise<void> {
  const discovery = createMdnsDiscovery({ onError: (error) => out('error', { message: error.message }) });
  const hosting = new HostingService({ dataDir, discovery, preferredPort: port });
  const status = await hosting.start(name ? { meetingName: name } : {});
  out('hosting', { status });
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() !== 'stop') continue;
    out('stopped', { status: await hosting.stop() });
    await discovery.close();
    lines.close();
    process.exit(0);
  }
}

function browse(verify: boolean): void {
  const discovery = createMdnsDiscovery({ requeryMs: 2000, onError: (error) => out('error', { message: error.message }) });
  const checked = new Set<string>();
  discovery.browse((meetings) => {
    out('meetings', { meetings });
    if (!verify) return;
    for (const meeting of meetings) {
      if (!meeting.fingerprint || checked.has(meeting.url)) continue;
      checked.add(meeting.url);
      verifyPinnedServer(meeting.url, meeting.fingerprint).then(
        () => out('verified', { url: meeting.url, ok: true }),
        (error: Error) => out('verified', { url: meeting.url, ok: false, message: error.message }),
      );
    }
  });
  const stop = (): void => void discovery.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { 'data-dir': { type: 'string' }, name: { type: 'string' }, port: { type: 'string' }, verify: { type: 'boolean' } },
});
if (positionals[0] === 'host' && values['data-dir']) void host(values['data-dir'], values.name, Number(values.port ?? 8443));
else if (positionals[0] === 'browse') browse(values.verify === true);
else {
  process.stderr.write('usage: discovery-agent host --data-dir DIR [--name NAME] [--port N] | browse [--verify]\n');
  process.exit(2);
}
