import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Server as IoServer } from 'socket.io';

const require = createRequire(import.meta.url);

/**
 * The baseline: a bare Socket.IO echo that relays every message to the other sockets, and a page
 * with a bare RTCPeerConnection. The newcomer offers with its tracks, the other answers; both
 * send ICE candidates as they come. Nothing else.
 */
const PAGE = `<!doctype html><meta charset="utf-8"><title>bare</title>
<video id="remote" autoplay playsinline muted></video>
<script src="/socket.io.min.js"></script>
<script>
const socket = io({ transports: ['websocket'] });
let pc = null;
let local = null;
const remote = document.getElementById('remote');
window.ready = (async () => {
  local = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 1280, height: 720 } });
  await new Promise((r) => socket.connected ? r() : socket.once('connect', r));
})();
function fresh() {
  if (pc) pc.close();
  pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  pc.onicecandidate = (e) => socket.emit('relay', { candidate: e.candidate && e.candidate.toJSON() });
  pc.ontrack = (e) => { if (e.track.kind === 'video') remote.srcObject = new MediaStream([e.track]); };
  return pc;
}
function endCall() {
  if (pc) pc.close();
  pc = null;
  remote.srcObject = null;
}
socket.on('relay', async (m) => {
  if (m.bye) return endCall();
  if (m.description && m.description.type === 'offer') {
    const p = fresh();
    await p.setRemoteDescription(m.description);
    for (const t of local.getTracks()) p.addTrack(t, local);
    await p.setLocalDescription();
    socket.emit('relay', { description: p.localDescription.toJSON() });
  } else if (m.description) {
    await pc.setRemoteDescription(m.description);
  } else if (m.candidate && pc) {
    await pc.addIceCandidate(m.candidate).catch(() => {});
  }
});
window.hangup = () => { endCall(); socket.emit('relay', { bye: true }); };
/** Resolves with the ms from the start of the call to the first remote video frame. */
window.call = () => new Promise((resolve) => {
  remote.srcObject = null;
  const start = performance.now();
  remote.requestVideoFrameCallback(() => resolve(performance.now() - start));
  const p = fresh();
  for (const t of local.getTracks()) p.addTrack(t, local);
  p.onnegotiationneeded = async () => {
    await p.setLocalDescription();
    socket.emit('relay', { description: p.localDescription.toJSON() });
  };
});
</script>`;

export async function startBareEcho(): Promise<{ url: string; close(): Promise<void> }> {
  // The package does not export its browser bundle; find it next to the entry point.
  const client = readFileSync(join(dirname(require.resolve('socket.io-client')), '../../dist/socket.io.min.js'));
  const http: Server = createServer((req, res) => {
    if (req.url === '/socket.io.min.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(client);
    res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  });
  const io = new IoServer(http, { serveClient: false });
  io.on('connection', (socket) => socket.on('relay', (message: unknown) => socket.broadcast.emit('relay', message)));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => void io.close(() => resolve())) };
}
