import { join } from 'node:path';
import { app } from 'electron';
import { startShell } from './electron/shell';
import { trayImages } from './electron/tray';
import { utilityProcessSfu } from './electron/sfu-process';
import { consoleLogger } from '@roundtable/signaling-server';
import { CertificatePins } from './services/hosting/certificate-pins';
import { createMdnsDiscovery } from './services/hosting/discovery';
import { DEFAULT_HOSTING_PORT, HostingService } from './services/hosting/hosting-service';
import { createCapture } from './services/capture';
import { createRecording } from './services/recording';
import { createDeviceCatalogue } from './services/devices';
import { useFfmpegForFluent } from './services/ffmpeg/fluent';

// Composition root: build the services and hand them to the Electron shell. No logic here.
const here = import.meta.dirname;
const discovery = createMdnsDiscovery();
const devices = createDeviceCatalogue({ dataDir: app.getPath('userData'), onLocated: useFfmpegForFluent });
startShell(
  {
    preload: join(here, '../preload/index.cjs'),
    renderer: join(here, '../renderer'),
    icon: join(here, '../../resources/icon.png'),
  },
  {
    devices,
    capture: createCapture({ dataDir: app.getPath('userData'), catalogue: devices }),
    recording: createRecording({ dataDir: app.getPath('userData'), videosDir: () => app.getPath('videos') }),
    hosting: {
      hosting: new HostingService({
        dataDir: app.getPath('userData'),
        webRoot: join(here, '../renderer'),
        preferredPort: Number(process.env.ROUNDTABLE_HOST_PORT) || DEFAULT_HOSTING_PORT,
        discovery,
        log: consoleLogger,
        sfu: utilityProcessSfu(join(here, 'sfu-worker.js')),
      }),
      pins: new CertificatePins(),
      discovery,
      trayImages: trayImages(join(here, '../../resources')),
    },
  },
);
