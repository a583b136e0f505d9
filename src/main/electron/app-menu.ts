import type { MenuItemConstructorOptions } from 'electron';

export interface AppMenuActions {
  quit: () => void;
  showAbout: () => void;
}

/** The application menu as data; `Menu.buildFromTemplate` turns it into the real one. */
/** `features` are menus features add (e.g. Devices), placed between View and Window. */
export function appMenuTemplate(platform: NodeJS.Platform, actions: AppMenuActions, features: MenuItemConstructorOptions[] = []): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [mac ? { role: 'close' as const } : { label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: actions.quit }],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    ...features,
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'About Roundtable', click: actions.showAbout }] },
  ];
}
