/**
 * npm run devices -- [--backend B] [--json]: what FFmpeg sees, asked the way the app asks.
 * Honours FFMPEG_PATH. The listing goes to stdout; which FFmpeg ran and any errors go to stderr.
 */
import { runDevicesCli } from '../src/main/services/ffmpeg/devices-cli';

process.exitCode = await runDevicesCli(process.argv.slice(2), {
  env: process.env,
  platform: process.platform,
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
