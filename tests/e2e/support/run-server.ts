/**
 * A meeting server in its own process, for tests that kill it: `node --import tsx run-server.ts
 * <port> <chat-db-file>`. Prints "listening <port>" once ready.
 */
import { createServer } from 'node:http';
// A relative import: this runs under plain tsx, without the test runner's aliases.
import { createSignalingServer, createWebClientHandler, SqliteChatStore } from '../../../signaling-server/src/index';
import { WEB_ROOT } from './paths';

const [portArg, dbFile] = process.argv.slice(2);
const handler = createWebClientHandler(WEB_ROOT);
const http = createServer((req, res) => void handler(req, res));
createSignalingServer(http, { chat: new SqliteChatStore(dbFile!) });
http.listen(Number(portArg), '127.0.0.1', () => {
  const address = http.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : portArg}\n`);
});
