import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppController, type Preferences } from './app/app-controller';
import { App } from './app/App';
import { installDesktopBridge } from './app/desktop-bridge';
import { installDiagnostics } from './app/diagnostics';
import { quietMediaEvents } from './app/quiet-media-events';
import { parseLaunchParams } from './app/url-params';
import { browserAddressBar } from './app/address-bar';
import { getPlatform } from './platform/platform';
import './styles.css';

const preferences: Preferences = {
  get: (key) => localStorage.getItem(`roundtable.${key}`) ?? undefined,
  set: (key, value) => localStorage.setItem(`roundtable.${key}`, value),
};

quietMediaEvents();
const platform = getPlatform();
const controller = new AppController({
  platform,
  preferences,
  launch: parseLaunchParams(location.search),
  secretStore: sessionStorage,
  keptSecretStore: localStorage,
  addressBar: browserAddressBar,
});
window.addEventListener('pagehide', () => controller.dispose());
installDiagnostics(controller);
installDesktopBridge(controller, platform);
void controller.start();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App controller={controller} canChooseServer={platform.canChooseServer} />
  </StrictMode>,
);
