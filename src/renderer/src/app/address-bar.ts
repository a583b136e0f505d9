import type { AddressBar } from './app-controller';

/** The browser's address bar: `?room=CODE` while in a meeting (or about to join one), the bare page otherwise. */
export const browserAddressBar: AddressBar = {
  show(room) {
    const url = new URL(location.href);
    url.search = room ? `?${new URLSearchParams({ room })}` : '';
    if (url.href !== location.href) history.replaceState(history.state, '', url);
  },
};
