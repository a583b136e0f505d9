/**
 * Keeps 'timeupdate' away from React. React listens, in the capture phase at its root, to every
 * media event of every <video> and <audio> below it, and a playing element fires 'timeupdate'
 * several times a second: with two others in a meeting that was about 57 events a second, 4 % of a
 * busy page's main thread, and it grows with every tile. Nothing here uses the event, so it stops
 * at the window, before React's listener.
 */
export function quietMediaEvents(): void {
  window.addEventListener('timeupdate', (event) => event.stopPropagation(), { capture: true });
}
