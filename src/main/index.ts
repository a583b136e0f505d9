import { join } from 'node:path';
import { startShell } from './electron/shell';

// Composition root: build the services and hand them to the Electron shell. No logic here.
const here = import.meta.dirname;
startShell({
  preload: join(here, '../preload/index.cjs'),
  renderer: join(here, '../renderer'),
  icon: join(here, '../../resources/icon.png'),
});
