import { buildWebClient } from '../../../scripts/build/web-client';
import { WEB_ROOT } from './paths';

/** Builds the web client once for the whole run; every test serves it from the real server. */
export default async function setup(): Promise<void> {
  await buildWebClient(WEB_ROOT);
}
