/**
 * Resolves in a later task of the page's event loop, so that what is waiting (a Socket.IO
 * heartbeat, another peer's answer, a paint) runs first. A MessageChannel rather than a timer:
 * a hidden window's timers are throttled to once a second, its messages are not.
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
