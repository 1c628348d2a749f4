import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/store/embedded.js';

/**
 * Tests run against real Postgres: DATABASE_URL when set (CI), otherwise one embedded
 * PostgreSQL started here for the whole run. Each test file then creates its own fresh
 * database from this admin URL (test/support/db.ts).
 */
declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    redisUrl: string;
  }
}

let embedded: EmbeddedDatabase | undefined;
let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  let url = process.env.DATABASE_URL;
  if (!url) {
    dir = await mkdtemp(join(tmpdir(), 'tessera-test-pg-'));
    embedded = await startEmbeddedPostgres({ dir, dbName: 'tessera_admin', persistent: false });
    url = embedded.url;
  }
  project.provide('adminDatabaseUrl', url);
  project.provide('redisUrl', process.env.REDIS_URL ?? '');
}

export async function teardown(): Promise<void> {
  await embedded?.stop().catch(() => {});
  if (dir) await rm(dir, { recursive: true, force: true }).catch(() => {});
}
