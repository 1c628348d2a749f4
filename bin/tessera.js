#!/usr/bin/env node
// The `tessera` command. `login | credentials | logout` are the person's client (src/client/),
// loaded alone: `credential_process` runs it on every aws command, so it must not load the
// server. Everything else (serve | migrate | bootstrap | apply | rotate-master-key) is src/cli.ts.
// Runs the TypeScript sources through tsx, or the compiled dist/ when present (the container image).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const client = ['login', 'credentials', 'logout'].includes(process.argv[2] ?? '');
const dist = join(root, 'dist', client ? 'client/main.js' : 'cli.js');
let entry;
if (existsSync(dist)) {
  entry = pathToFileURL(dist).href;
} else {
  const { register } = await import('tsx/esm/api');
  register();
  entry = pathToFileURL(join(root, 'src', client ? 'client/main.ts' : 'cli.ts')).href;
}
const mod = await import(entry);
if (client) process.exitCode = await mod.runClient(process.argv.slice(2));
