import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { AppController, type Preferences } from './app/app-controller';
import { App } from './app/App';
import { installDesktopBridge } from './app/desktop-bridge';
import { installDiagnostics } from './app/diagnostics';
import { quietMediaEvents } from './app/quiet-media-events';
import { parseLaunchParams } from './app/url-params';
import { browserAddressBar } from './app/address-bar';
import { getPlatform } from './platform/platform';
import { LanguagePreference, setLanguagePreference } from './platform/language';
import { i18n } from './text/i18n';
import './styles.css';

const preferences: Preferences = {
  get: (key) => localStorage.getItem(`roundtable.${key}`) ?? undefined,
  set: (key, value) => localStorage.setItem(`roundtable.${key}`, value),
};

quietMediaEvents();
const platform = getPlatform();
// The interface's language before anything renders: the one chosen, else the system's (the browser's for a guest).
const language = new LanguagePreference({ storage: localStorage, systemLanguages: () => navigator.languages, desktop: platform.desktop });
setLanguagePreference(language);
language.start();
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
    <I18nextProvider i18n={i18n}>
      <App controller={controller} canChooseServer={platform.canChooseServer} />
    </I18nextProvider>
  </StrictMode>,
);
