import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { rendererConfig } from '../../../src/renderer/vite.renderer';
import { PROJECT_ROOT, WEB_ROOT } from './paths';

const SOURCE_DIR = `${PROJECT_ROOT}.tmp/e2e/device-settings-harness`;
/** Built next to the web client, so the real meeting server serves it from its own origin. */
const OUT_DIR = `${WEB_ROOT}/device-settings-harness`;
export const HARNESS_PAGE = '/device-settings-harness/index.html';

const renderer = (path: string): string => JSON.stringify(`${PROJECT_ROOT}src/renderer/src/${path}`);

/**
 * A page with the real app controller (joining through the real server, like the web client) and
 * nothing on screen but one's own video and the DeviceSettings button: the meeting screen as it
 * will be once DeviceSettings is mounted there (MeetingScreen belongs to another change).
 */
const MAIN = `
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppController } from ${renderer('app/app-controller')};
import { installDiagnostics } from ${renderer('app/diagnostics')};
import { parseLaunchParams } from ${renderer('app/url-params')};
import { AudioSinks } from ${renderer('components/AudioSinks')};
import { DeviceSettings } from ${renderer('components/DeviceSettings')};
import { VideoView } from ${renderer('components/VideoView')};
import { useStore } from ${renderer('hooks/useStore')};
import { getPlatform } from ${renderer('platform/platform')};
import ${renderer('styles.css')};

const controller = new AppController({
  platform: getPlatform(),
  preferences: { get: (k) => localStorage.getItem('roundtable.' + k) ?? undefined, set: (k, v) => localStorage.setItem('roundtable.' + k, v) },
  launch: parseLaunchParams(location.search),
  secretStore: sessionStorage,
});
installDiagnostics(controller);
void controller.start();

function Remote({ session, speaker }) {
  const call = useStore(session.state);
  const sinks = call.participants.map((p) => ({ id: p.id, tracks: [p.tracks.audio].filter(Boolean) }));
  return <AudioSinks sinks={sinks} speakerId={speaker} />;
}

function Harness() {
  const app = useStore(controller.state);
  const media = useStore(controller.media.state);
  return (
    <main className="meeting" data-stage={app.stage}>
      <header className="meeting-header">
        <span className="meeting-code">{app.choice.room}</span>
        <DeviceSettings placement="below" />
      </header>
      <div data-testid="tile" data-local="true" style={{ width: 480, height: 270, margin: 16 }}>
        <VideoView track={media.videoTrack} />
      </div>
      {app.session && <Remote session={app.session} speaker={app.speaker} />}
    </main>
  );
}

createRoot(document.getElementById('root')).render(<StrictMode><Harness /></StrictMode>);
`;

const HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8" /><title>DeviceSettings harness</title></head>
<body><div id="root"></div><script type="module" src="./main.tsx"></script></body></html>
`;

/** Builds the harness page once per run (a production build, as the web client is). */
export async function buildDeviceSettingsHarness(): Promise<void> {
  mkdirSync(SOURCE_DIR, { recursive: true });
  writeFileSync(join(SOURCE_DIR, 'index.html'), HTML);
  writeFileSync(join(SOURCE_DIR, 'main.tsx'), MAIN);
  const base = rendererConfig(OUT_DIR);
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ ...base, root: SOURCE_DIR, mode: 'production', logLevel: 'warn', configFile: false, build: { ...base.build, sourcemap: false } });
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
}
