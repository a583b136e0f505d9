import { bestGrid } from '../layout/grid';

/** One tile of the recording: a person (or a shared screen) and what they send. */
export interface RecordedTile {
  key: string;
  name: string;
  video: MediaStreamTrack | null;
  /** A screen share is shown whole (letterboxed); a camera fills its tile. */
  fit: 'cover' | 'contain';
}

export interface CompositorOptions {
  width?: number;
  height?: number;
  frameRate?: number;
}

const BACKGROUND = '#0f1115';
const TILE = '#1e222b';
const PALETTE = ['#4f8cff', '#8b5cf6', '#30a46c', '#f5a524', '#e5484d', '#12a594', '#d6409f'];

/**
 * The meeting as seen, as one stream: every tile drawn on a canvas (a grid, like the meeting's),
 * names on them, initials where there is no picture; every voice mixed with Web Audio. The canvas
 * is redrawn on a timer (not requestAnimationFrame, which stops while the window is hidden).
 */
export class MeetingCompositor {
  readonly stream: MediaStream;
  private readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private readonly audio: AudioContext;
  private readonly mix: MediaStreamAudioDestinationNode;
  private readonly videos = new Map<string, HTMLVideoElement>();
  private readonly voices = new Map<string, MediaStreamAudioSourceNode>();
  private tiles: RecordedTile[] = [];
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly width: number;
  private readonly height: number;

  constructor(options: CompositorOptions = {}) {
    this.width = options.width ?? 1280;
    this.height = options.height ?? 720;
    const frameRate = options.frameRate ?? 30;
    this.canvas = document.createElement('canvas');
    this.canvas.width = this.width;
    this.canvas.height = this.height;
    this.context = this.canvas.getContext('2d', { alpha: false })!;
    this.audio = new AudioContext({ sampleRate: 48_000 });
    this.mix = this.audio.createMediaStreamDestination();
    // A silent source keeps the mix running (and the recording's sound track present) when nobody speaks.
    const silence = this.audio.createConstantSource();
    silence.offset.value = 0;
    silence.connect(this.mix);
    silence.start();
    this.draw();
    const [video] = this.canvas.captureStream(frameRate).getVideoTracks();
    this.stream = new MediaStream([video!, ...this.mix.stream.getAudioTracks()]);
    this.timer = setInterval(() => this.draw(), 1000 / frameRate);
  }

  /** Starts the sound (an AudioContext may start suspended until a click). */
  async resume(): Promise<void> {
    await this.audio.resume().catch(() => undefined);
  }

  /** What to show and hear now; called whenever the meeting changes. */
  update(tiles: RecordedTile[], voices: MediaStreamTrack[]): void {
    this.tiles = tiles;
    const wanted = new Set(tiles.flatMap((t) => (t.video ? [t.video.id] : [])));
    for (const [id, element] of this.videos) {
      if (wanted.has(id)) continue;
      element.srcObject = null;
      this.videos.delete(id);
    }
    for (const tile of tiles) {
      if (!tile.video || this.videos.has(tile.video.id)) continue;
      const element = document.createElement('video');
      element.muted = true;
      element.playsInline = true;
      element.srcObject = new MediaStream([tile.video]);
      void element.play().catch(() => undefined);
      this.videos.set(tile.video.id, element);
    }
    const heard = new Set(voices.map((t) => t.id));
    for (const [id, node] of this.voices) {
      if (heard.has(id)) continue;
      node.disconnect();
      this.voices.delete(id);
    }
    for (const track of voices) {
      if (this.voices.has(track.id) || track.readyState === 'ended') continue;
      const node = this.audio.createMediaStreamSource(new MediaStream([track]));
      node.connect(this.mix);
      this.voices.set(track.id, node);
    }
  }

  /**
   * Resolves once every tile's video that is receiving frames has a picture and the canvas shows
   * it, or after `timeoutMs`: the video elements are new when a recording starts, and one started
   * before would open on initials. A muted track (a remote camera that sends nothing now) has no
   * picture to wait for.
   */
  async firstPictures(timeoutMs: number): Promise<void> {
    const sending = new Set(this.tiles.flatMap((t) => (t.video && !t.video.muted && t.video.readyState === 'live' ? [t.video.id] : [])));
    const waiting = [...this.videos]
      .filter(([id, element]) => sending.has(id) && element.readyState < HTMLMediaElement.HAVE_CURRENT_DATA)
      .map(([, element]) => element);
    if (waiting.length > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(waiting.map((element) => new Promise((resolve) => element.addEventListener('loadeddata', resolve, { once: true })))),
        new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
      ]);
      clearTimeout(timer);
    }
    this.draw();
  }

  stop(): void {
    clearInterval(this.timer);
    for (const track of this.stream.getTracks()) track.stop();
    for (const element of this.videos.values()) element.srcObject = null;
    this.videos.clear();
    for (const node of this.voices.values()) node.disconnect();
    this.voices.clear();
    void this.audio.close().catch(() => undefined);
  }

  private draw(): void {
    const c = this.context;
    c.fillStyle = BACKGROUND;
    c.fillRect(0, 0, this.width, this.height);
    const margin = 12;
    const grid = bestGrid({ count: this.tiles.length, width: this.width - 2 * margin, height: this.height - 2 * margin, gap: 8 });
    if (grid.columns === 0) return;
    const usedWidth = grid.columns * grid.tileWidth + (grid.columns - 1) * 8;
    const usedHeight = grid.rows * grid.tileHeight + (grid.rows - 1) * 8;
    const left = (this.width - usedWidth) / 2;
    const top = (this.height - usedHeight) / 2;
    this.tiles.forEach((tile, index) => {
      const row = Math.floor(index / grid.columns);
      const inRow = Math.min(grid.columns, this.tiles.length - row * grid.columns);
      // A last row that is not full is centred, as in the meeting.
      const rowLeft = left + ((grid.columns - inRow) * (grid.tileWidth + 8)) / 2;
      const x = rowLeft + (index % grid.columns) * (grid.tileWidth + 8);
      const y = top + row * (grid.tileHeight + 8);
      this.drawTile(tile, index, x, y, grid.tileWidth, grid.tileHeight);
    });
  }

  private drawTile(tile: RecordedTile, index: number, x: number, y: number, w: number, h: number): void {
    const c = this.context;
    c.save();
    c.beginPath();
    c.roundRect(x, y, w, h, 10);
    c.clip();
    c.fillStyle = TILE;
    c.fillRect(x, y, w, h);
    const element = tile.video && tile.video.readyState === 'live' ? this.videos.get(tile.video.id) : undefined;
    if (element && element.videoWidth > 0) {
      const vw = element.videoWidth;
      const vh = element.videoHeight;
      const scale = tile.fit === 'cover' ? Math.max(w / vw, h / vh) : Math.min(w / vw, h / vh);
      const dw = vw * scale;
      const dh = vh * scale;
      c.drawImage(element, x + (w - dw) / 2, y + (h - dh) / 2, dw, dh);
    } else {
      const radius = Math.min(w, h) / 5;
      c.fillStyle = PALETTE[index % PALETTE.length]!;
      c.beginPath();
      c.arc(x + w / 2, y + h / 2, radius, 0, Math.PI * 2);
      c.fill();
      c.fillStyle = '#ffffff';
      c.font = `600 ${Math.round(radius)}px system-ui, sans-serif`;
      c.textAlign = 'center';
      c.textBaseline = 'middle';
      c.fillText((tile.name.trim()[0] ?? '?').toUpperCase(), x + w / 2, y + h / 2);
    }
    // The name, bottom left, as on the meeting's tiles.
    const size = Math.max(12, Math.round(h / 18));
    c.font = `500 ${size}px system-ui, sans-serif`;
    c.textAlign = 'left';
    c.textBaseline = 'middle';
    const label = tile.name.length > 40 ? `${tile.name.slice(0, 39)}…` : tile.name;
    const labelWidth = c.measureText(label).width + size;
    c.fillStyle = 'rgb(0 0 0 / 55%)';
    c.fillRect(x + 8, y + h - size * 2 - 6, labelWidth, size * 1.8);
    c.fillStyle = '#ffffff';
    c.fillText(label, x + 8 + size / 2, y + h - size * 1.1 - 6);
    c.restore();
  }
}
