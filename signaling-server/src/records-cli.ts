#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { toSummary, toView } from './records/journal.js';
import { PostgresStore } from './store/postgres-store.js';
import { SqliteStore } from './store/sqlite-store.js';
import type { ServerStore } from './store/store.js';

/**
 * `npm run records` (built: `node signaling-server/dist/records-cli.js`): the meeting records of a
 * server, for whoever runs it. It reads the server's own store: the SQLite file in `--data-dir`
 * (while that server is stopped: a running server holds the file) or the cluster's PostgreSQL
 * (`--database-url`, at any time). Whoever can read those can read everything in them anyway, so
 * no meeting secret is asked for; nothing goes over the network.
 */
const HELP = `npm run records -- [--data-dir <dir> | --database-url <url>] <command>

  list [--limit N]      the newest meetings (default 50): id, code, start, end, people (JSON lines)
  show <id>             one meeting's record, as its host sees it (JSON)
  delete <id>           deletes one meeting's record

  --data-dir <dir>      the server's data folder (its chat.db; env ROUNDTABLE_DATA_DIR; default .)
  --database-url <url>  the cluster's PostgreSQL instead (env ROUNDTABLE_DATABASE_URL)
`;

function fail(message: string): never {
  process.stderr.write(`records: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      limit: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const [command, id] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(HELP);
    return;
  }
  const limit = Number(values.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) fail('--limit must be a whole number from 1 to 10000');
  if ((command === 'show' || command === 'delete') && !id) fail(`${command} needs a record id (see list)`);
  if (!['list', 'show', 'delete'].includes(command)) fail(`unknown command "${command}" (list, show, delete)`);

  const databaseUrl = values['database-url'] ?? process.env.ROUNDTABLE_DATABASE_URL;
  const dataDir = values['data-dir'] ?? process.env.ROUNDTABLE_DATA_DIR ?? '.';
  const file = join(dataDir, 'chat.db');
  // Never a new, empty database where the server keeps none.
  if (!databaseUrl && !existsSync(file)) fail(`no server data in ${dataDir} (no chat.db there; --data-dir is where the server keeps it)`);
  let store: ServerStore;
  try {
    store = databaseUrl ? await PostgresStore.open(databaseUrl) : await SqliteStore.open(file);
  } catch (error) {
    fail((error as Error).message);
  }
  try {
    const records = store.records;
    if (command === 'list') {
      for (const log of await records.recent(limit)) process.stdout.write(`${JSON.stringify(toSummary(log))}\n`);
      return;
    }
    const log = await records.get(id!);
    if (!log) fail(`no meeting record "${id}"`);
    if (command === 'show') process.stdout.write(`${JSON.stringify(toView(log), null, 2)}\n`);
    else {
      await records.delete(log.id);
      process.stdout.write(`deleted ${log.id}\n`);
    }
  } finally {
    await store.close();
  }
}

void main().catch((error: unknown) => fail((error as Error).message));
