#!/usr/bin/env node
// The `tessera` command. `login | credentials | logout | roles` are the person's client (src/client/),
// loaded alone: `credential_process` runs it on every aws command, so it must start fast and
// never load the server. Everything else (serve | migrate | bootstrap | apply |
// rotate-master-key) is src/cli.ts.
// From dist/ when present (the container image, `npm run build`). From the sources otherwise:
// the client is bundled once with esbuild (tsx's own dependency) into node_modules/.cache and
// reused while src/client is unchanged (~0.2 s a run instead of ~1 s through tsx); where that
// folder is not writable, through tsx like the server.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const client = ['login', 'credentials', 'logout', 'roles'].includes(process.argv[2] ?? '');
const dist = join(root, 'dist', client ? 'client/main.js' : 'cli.js');

async function clientBundle() {
  const dir = join(root, 'src', 'client');
  const stamp = createHash('sha256')
    .update(readdirSync(dir).sort().map((f) => `${f}:${statSync(join(dir, f)).mtimeMs}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  const out = join(root, 'node_modules', '.cache', 'tessera', `client-${stamp}.mjs`);
  if (existsSync(out)) return out;
  try {
    const { buildSync } = await import('esbuild');
    mkdirSync(dirname(out), { recursive: true });
    buildSync({ entryPoints: [join(dir, 'main.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: out, logLevel: 'silent' });
    return out;
  } catch {
    return null;
  }
}

let entry;
if (existsSync(dist)) {
  entry = pathToFileURL(dist).href;
} else {
  const bundled = client ? await clientBundle() : null;
  if (bundled) entry = pathToFileURL(bundled).href;
  else {
    const { register } = await import('tsx/esm/api');
    register();
    entry = pathToFileURL(join(root, 'src', client ? 'client/main.ts' : 'cli.ts')).href;
  }
}
const mod = await import(entry);
if (client) process.exitCode = await mod.runClient(process.argv[2], process.argv.slice(3));
