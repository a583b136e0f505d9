import { defaultBackends, FFMPEG_BACKENDS, isBackend } from './backends';
import type { FfmpegBackend, FfmpegDevice } from './device';
import { listFfmpegDevices } from './list-devices';
import { FfmpegNotFoundError, locateFfmpeg } from './locate';

export interface CliContext {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  out(text: string): void;
  err(text: string): void;
}

export const USAGE = `Usage: npm run devices -- [--backend B]... [--json]

Lists the cameras, microphones and screens FFmpeg sees, the way the app asks for them.
  --backend B   ${FFMPEG_BACKENDS.join(' | ')} (repeat or comma-separate; default: this OS's backends)
  --json        print a JSON array of devices: { kind, backend, id, name, isDefault, usb?, inactive? }
FFmpeg is found as FFMPEG_PATH, then ffmpeg-static, then ffmpeg on the PATH.`;

const SOURCE_NAMES = { FFMPEG_PATH: 'from FFMPEG_PATH', 'ffmpeg-static': 'from ffmpeg-static', PATH: 'found on the PATH' } as const;

/** `npm run devices`: returns the exit code (0 listed, 1 every backend failed, 2 no FFmpeg, 64 bad usage). */
export async function runDevicesCli(argv: readonly string[], context: CliContext): Promise<number> {
  let json = false;
  const backends: FfmpegBackend[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--json') json = true;
    else if (arg === '--help' || arg === '-h') {
      context.out(USAGE);
      return 0;
    } else if (arg === '--backend' || arg.startsWith('--backend=')) {
      const value = arg === '--backend' ? argv[(i += 1)] : arg.slice('--backend='.length);
      for (const name of (value ?? '').split(',').filter(Boolean)) {
        if (!isBackend(name)) {
          context.err(`Unknown backend "${name}". Use one of: ${FFMPEG_BACKENDS.join(', ')}.`);
          return 64;
        }
        backends.push(name);
      }
      if (!value) {
        context.err('--backend needs a value.');
        return 64;
      }
    } else {
      context.err(`Unknown option "${arg}".\n\n${USAGE}`);
      return 64;
    }
  }

  let location;
  try {
    location = locateFfmpeg({ env: context.env, platform: context.platform });
  } catch (error) {
    if (!(error instanceof FfmpegNotFoundError)) throw error;
    context.err(error.message);
    return 2;
  }
  const chosen = backends.length > 0 ? [...new Set(backends)] : defaultBackends(context.platform);
  const results = await listFfmpegDevices(location.path, chosen, { env: context.env });

  context.err(`FFmpeg: ${location.path} (${SOURCE_NAMES[location.source]})`);
  for (const result of results) if (result.error) context.err(`${result.backend}: ${result.error}`);
  if (json)
    context.out(
      JSON.stringify(
        results.flatMap((r) => r.devices),
        null,
        2,
      ),
    );
  else for (const result of results) if (!result.error) context.out(describeBackend(result.backend, result.devices));
  return results.every((r) => r.error) ? 1 : 0;
}

function describeBackend(backend: FfmpegBackend, devices: readonly FfmpegDevice[]): string {
  if (devices.length === 0) return `${backend}: no devices`;
  const width = Math.min(48, Math.max(...devices.map((d) => d.id.length)));
  const lines = devices.map((d) => {
    const flags = [d.isDefault ? 'default' : '', d.inactive ? 'inactive' : '', d.usb ? `usb ${d.usb.vendorId}:${d.usb.productId}` : ''].filter(Boolean);
    return `  ${d.isDefault ? '*' : ' '} ${d.kind.padEnd(6)} ${d.id.padEnd(width)}  ${d.name}${flags.length ? `  (${flags.join(', ')})` : ''}`;
  });
  return [`${backend}:`, ...lines].join('\n');
}
