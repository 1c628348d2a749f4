/**
 * Paging cost against account size: List* first/last pages and GetAccountAuthorizationDetails
 * pages at 10 and at 100,000 roles and users, through the real Query API with a signed client.
 *
 *   npm run bench -- paging
 *   env: DATABASE_URL (admin URL; a fresh database per size is created and dropped; default
 *        postgres://postgres@127.0.0.1:5432/postgres), BENCH_PAGING_SIZES (default 10,100000),
 *        BENCH_PAGING_REPS (calls per figure, median taken; default 7), BENCH_PAGING_BUDGET_MS
 *        (time per figure, default 5000: fewer calls when they are slow), BENCH_PAGE (MaxItems of a
 *        measured page, default 10: both sizes then return the same number of items, so the ratio
 *        is the cost of the account's size alone), BENCH_KEEP_DB=1 (keep the largest database
 *        and print its URL, e.g. to EXPLAIN queries against it).
 *
 * Each size gets its own database, migrated with the migration runner, then seeded in bulk with
 * SQL (generate_series, no API calls): N users and N roles, N/100 groups (every user in one),
 * N/1000 customer managed policies (every user, role and group has one attached), an inline policy
 * on every 10th role and a permissions boundary on every 100th user. An in-process Tessera serves
 * it (both sizes run at once, in this process); the client is @aws-sdk/client-iam signed with
 * the root key. Each figure is the median of REPS calls after two warm-up calls, the sizes
 * interleaved call by call so other load on the machine falls on both alike (a "last page"
 * figure repeats the final call of a walk that followed the markers; the walk is not measured). Prints both sizes, the ratio (goal
 * ≤ 1.2×) and the process's peak RSS (maxRSS) before and after a GetAccountAuthorizationDetails
 * walk of the largest account.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import {
  IAMClient,
  GetAccountAuthorizationDetailsCommand,
  ListGroupsCommand,
  ListPoliciesCommand,
  ListRolesCommand,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import { loadConfig } from '../src/config/index.js';
import { buildServices } from '../src/main.js';
import { createApp } from '../src/app.js';
import { createDb, type Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { bootstrap } from '../src/iam/bootstrap.js';
import { createCache } from '../src/cache/index.js';
import { createLogger } from '../src/log.js';
import { newAccessKeyId, newSecretAccessKey } from '../src/tokens/ids.js';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SIZES = (process.env.BENCH_PAGING_SIZES ?? '10,100000').split(',').map(Number);
const REPS = Number(process.env.BENCH_PAGING_REPS ?? 7);
const PAGE = Number(process.env.BENCH_PAGE ?? 10);
const KEEP = process.env.BENCH_KEEP_DB === '1';
const BUDGET_MS = Number(process.env.BENCH_PAGING_BUDGET_MS ?? 5000);
const ACCOUNT = '123456789012';

/**
 * Bulk seed of an account with `n` users and `n` roles (ids and names derived from the row
 * number: names are hashed so the heap order is not the name order, as in a real account).
 */
export async function seed(db: Db, n: number, accountId = ACCOUNT): Promise<void> {
  const groups = Math.max(2, Math.floor(n / 100));
  const policies = Math.max(2, Math.floor(n / 1000));
  const id = (expr: string) => `translate(lpad((${expr})::text, 17, '0'), '0123456789', 'ABCDEFGHIJ')`;
  const doc = `'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'`;
  const trust = `'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::${accountId}:root"},"Action":"sts:AssumeRole"}]}'`;
  const stmts = [
    `INSERT INTO policies (policy_id, account_id, policy_name, path, arn)
       SELECT 'ANPA' || ${id('i')}, $1, 'pol-' || substr(md5('p' || i), 1, 8) || '-' || i, '/',
              'arn:aws:iam::' || $1 || ':policy/pol-' || substr(md5('p' || i), 1, 8) || '-' || i
         FROM generate_series(1, ${policies}) i`,
    `INSERT INTO policy_versions (policy_id, version_id, document, is_default)
       SELECT policy_id, 'v1', ${doc}, true FROM policies WHERE account_id = $1`,
    `INSERT INTO groups (group_id, account_id, group_name, path)
       SELECT 'AGPA' || ${id('i')}, $1, 'group-' || substr(md5('g' || i), 1, 8) || '-' || i, '/' FROM generate_series(1, ${groups}) i`,
    `INSERT INTO users (user_id, account_id, user_name, path, permissions_boundary)
       SELECT 'AIDA' || ${id('i')}, $1, 'user-' || substr(md5('u' || i), 1, 8) || '-' || i, '/',
              CASE WHEN i % 100 = 0 THEN 'arn:aws:iam::' || $1 || ':policy/pol-' || substr(md5('p' || 1), 1, 8) || '-1' END
         FROM generate_series(1, ${n}) i`,
    `INSERT INTO roles (role_id, account_id, role_name, path, arn, assume_role_policy)
       SELECT 'AROA' || ${id('i')}, $1, 'role-' || substr(md5('r' || i), 1, 8) || '-' || i, '/',
              'arn:aws:iam::' || $1 || ':role/role-' || substr(md5('r' || i), 1, 8) || '-' || i, ${trust}
         FROM generate_series(1, ${n}) i`,
    `INSERT INTO group_members (group_id, user_id)
       SELECT 'AGPA' || ${id(`1 + i % ${groups}`)}, 'AIDA' || ${id('i')} FROM generate_series(1, ${n}) i`,
    `INSERT INTO user_policy_attachments (user_id, policy_arn)
       SELECT 'AIDA' || ${id('i')}, 'arn:aws:iam::' || $1 || ':policy/pol-' || substr(md5('p' || (1 + i % ${policies})), 1, 8) || '-' || (1 + i % ${policies})
         FROM generate_series(1, ${n}) i`,
    `INSERT INTO role_policy_attachments (role_id, policy_arn)
       SELECT 'AROA' || ${id('i')}, 'arn:aws:iam::' || $1 || ':policy/pol-' || substr(md5('p' || (1 + i % ${policies})), 1, 8) || '-' || (1 + i % ${policies})
         FROM generate_series(1, ${n}) i`,
    `INSERT INTO group_policy_attachments (group_id, policy_arn)
       SELECT 'AGPA' || ${id('i')}, 'arn:aws:iam::' || $1 || ':policy/pol-' || substr(md5('p' || (1 + i % ${policies})), 1, 8) || '-' || (1 + i % ${policies})
         FROM generate_series(1, ${groups}) i`,
    `INSERT INTO role_policies (role_id, policy_name, document)
       SELECT 'AROA' || ${id('i')}, 'inline', ${doc} FROM generate_series(10, ${n}, 10) i`,
  ];
  await db.tx(async (c) => {
    // The rows are consistent by construction: skip the per-row foreign-key triggers when the
    // bench's role may (a superuser, as the default admin URL is); CHECKs and indexes still apply.
    await c.query(`DO $$ BEGIN SET LOCAL session_replication_role = replica; EXCEPTION WHEN insufficient_privilege THEN NULL; END $$`);
    for (const s of stmts) await c.query(s, s.includes('$1') ? [accountId] : []);
  });
  // Visibility map set and statistics current, so no autovacuum runs while the bench measures.
  await db.query('VACUUM (ANALYZE)');
}

interface Instance {
  iam: IAMClient;
  db: Db;
  stop(): Promise<void>;
  url: string;
}

async function start(n: number): Promise<Instance> {
  const name = `tessera_bench_paging_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  const masterKey = randomBytes(32);
  const db = createDb(url, { max: 10 });
  await migrate(db);
  const root = { accessKeyId: newAccessKeyId('AKIA', ACCOUNT), secretAccessKey: newSecretAccessKey() };
  await bootstrap(db, { masterKey, accountId: ACCOUNT, rootAccessKeyId: root.accessKeyId, rootSecretAccessKey: root.secretAccessKey });
  const t0 = performance.now();
  await seed(db, n);
  console.log(`seeded ${n} users, ${n} roles, ${Math.max(2, Math.floor(n / 100))} groups, ${Math.max(2, Math.floor(n / 1000))} policies in ${((performance.now() - t0) / 1000).toFixed(1)}s (${name})`);
  const config = loadConfig({ DATABASE_URL: url, TESSERA_MASTER_KEY: masterKey.toString('base64'), LOG_LEVEL: 'silent', DATABASE_POOL_SIZE: '10' });
  const cache = createCache({ keyPrefix: `${name}:` });
  const services = await buildServices({ config, db, cache, logger: createLogger('silent'), masterKey, accountId: ACCOUNT });
  const server = http.createServer({ keepAliveTimeout: 30_000 }, createApp(services));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials: root, maxAttempts: 1 });
  return {
    iam,
    db,
    url,
    async stop() {
      iam.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await services.dispose();
      await cache.close();
      await db.close();
      if (KEEP && n === Math.max(...SIZES)) {
        console.log(`kept database ${url}`);
        return;
      }
      const a = new pg.Client({ connectionString: ADMIN_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/**
 * Median latency (ms) of each of `calls` (one per account size), measured interleaved — one call
 * of each in turn — so load from elsewhere on the machine falls on both alike: two warm-up
 * rounds, then REPS rounds, within BUDGET_MS (a round slower than that is measured once, so a
 * slow build still finishes).
 */
async function medians(calls: (() => Promise<unknown>)[]): Promise<number[]> {
  const ms: number[][] = calls.map(() => []);
  const t0 = performance.now();
  for (let i = 0; i < REPS + 2 && (i < 1 || performance.now() - t0 < BUDGET_MS); i++) {
    for (const [k, call] of calls.entries()) {
      const t = performance.now();
      await call();
      ms[k]!.push(performance.now() - t);
    }
  }
  return ms.map((m) => {
    if (m.length > 2) m.splice(0, 2);
    m.sort((x, y) => x - y);
    return m[Math.floor(m.length / 2)]!;
  });
}

type Paged = { IsTruncated?: boolean; Marker?: string };

/**
 * The Marker that asks for the last page of `size` items: walk with MaxItems 1000 (few calls),
 * then with `size` from the last long page on. Returns undefined when the first page is the last.
 */
async function lastMarker(list: (maxItems: number, marker: string | undefined) => Promise<Paged>, size: number): Promise<string | undefined> {
  let cur: string | undefined;
  for (;;) {
    const r = await list(1000, cur);
    if (!r.IsTruncated) break;
    cur = r.Marker;
  }
  // `cur` starts the last long page; from there, pages of `size` to the end.
  for (;;) {
    const r = await list(size, cur);
    if (!r.IsTruncated) return cur;
    cur = r.Marker;
  }
}

/** One figure: `prepare` (not measured: e.g. following markers) returns the call to measure. */
type Figure = { name: string; prepare: (c: Client) => Promise<() => Promise<unknown>> };

function clientOf(iam: IAMClient) {
  return {
    roles: (max: number, marker?: string) => iam.send(new ListRolesCommand({ MaxItems: max, Marker: marker })),
    users: (max: number, marker?: string) => iam.send(new ListUsersCommand({ MaxItems: max, Marker: marker })),
    policies: (max: number) => iam.send(new ListPoliciesCommand({ MaxItems: max })),
    groups: (max: number) => iam.send(new ListGroupsCommand({ MaxItems: max })),
    gaad: (max: number, marker?: string) => iam.send(new GetAccountAuthorizationDetailsCommand({ MaxItems: max, Marker: marker })),
  };
}
type Client = ReturnType<typeof clientOf>;

const FIGURES: Figure[] = [
  { name: 'ListRoles first page', prepare: async (c) => () => c.roles(PAGE) },
  { name: 'ListRoles last page', prepare: async (c) => { const m = await lastMarker(c.roles, PAGE); return () => c.roles(PAGE, m); } },
  { name: 'ListUsers first page', prepare: async (c) => () => c.users(PAGE) },
  { name: 'ListUsers last page', prepare: async (c) => { const m = await lastMarker(c.users, PAGE); return () => c.users(PAGE, m); } },
  { name: 'ListPolicies first page', prepare: async (c) => () => c.policies(PAGE) },
  { name: 'ListGroups first page', prepare: async (c) => () => c.groups(PAGE) },
  { name: 'GetAccountAuthorizationDetails first page', prepare: async (c) => () => c.gaad(PAGE) },
  {
    // A later page: the third, reached by following two markers.
    name: 'GetAccountAuthorizationDetails 3rd page',
    prepare: async (c) => {
      let m: string | undefined;
      for (let i = 0; i < 2; i++) m = (await c.gaad(PAGE, m)).Marker;
      return () => c.gaad(PAGE, m);
    },
  },
  { name: 'GetAccountAuthorizationDetails first page, MaxItems 100', prepare: async (c) => () => c.gaad(100) },
];

/**
 * A walk of up to 10 GetAccountAuthorizationDetails pages of MaxItems 100 (the whole account at
 * 100k would be 2,000 pages), with the process's peak RSS before and after.
 */
async function gaadWalk(c: Client) {
  const rssBefore = process.resourceUsage().maxRSS;
  let marker: string | undefined;
  let items = 0;
  let pages = 0;
  const t0 = performance.now();
  do {
    const r = await c.gaad(100, marker);
    items += (r.UserDetailList?.length ?? 0) + (r.GroupDetailList?.length ?? 0) + (r.RoleDetailList?.length ?? 0) + (r.Policies?.length ?? 0);
    pages++;
    marker = r.IsTruncated ? r.Marker : undefined;
  } while (marker !== undefined && pages < 10 && performance.now() - t0 < BUDGET_MS);
  return { rssBefore, rssAfter: process.resourceUsage().maxRSS, items, pages, msPerPage: (performance.now() - t0) / pages };
}

export async function run(): Promise<void> {
  const started = performance.now();
  const instances: Instance[] = [];
  try {
    for (const n of SIZES) instances.push(await start(n));
    const clients = instances.map((t) => clientOf(t.iam));
    // Warm the process (JIT, connection pools, the caller's caches) before the first figure.
    for (let i = 0; i < 20; i++) for (const c of clients) await Promise.all([c.roles(PAGE), c.users(PAGE), c.groups(PAGE)]);
    const label = (n: number) => (n >= 1000 ? `${n / 1000}k rows` : `${n} rows`);
    console.log(`\nmedian of ${REPS} interleaved calls, MaxItems ${PAGE} unless said; ratio goal <= 1.2x`);
    console.log(`${'figure'.padEnd(58)}${SIZES.map((n) => label(n).padStart(12)).join('')}${'ratio'.padStart(9)}`);
    let rssBeforeGaad: number | undefined;
    for (const f of FIGURES) {
      if (f.name.startsWith('GetAccountAuthorizationDetails')) rssBeforeGaad ??= process.resourceUsage().maxRSS;
      const calls = await Promise.all(clients.map((c) => f.prepare(c)));
      const ms = await medians(calls);
      const ratio = ms[ms.length - 1]! / ms[0]!;
      console.log(`${f.name.padEnd(58)}${ms.map((x) => `${x.toFixed(1)} ms`.padStart(12)).join('')}${`${ratio.toFixed(2)}x`.padStart(9)}`);
    }
    console.log(`peak RSS before any GetAccountAuthorizationDetails call: ${((rssBeforeGaad ?? 0) / 1024).toFixed(0)} MB`);
    for (const [i, c] of clients.entries()) {
      const w = await gaadWalk(c);
      console.log(
        `GAAD walk at ${label(SIZES[i]!)}: ${w.pages} pages of MaxItems 100 (${w.items} items), ${w.msPerPage.toFixed(0)} ms/page; ` +
          `peak RSS ${(w.rssBefore / 1024).toFixed(0)} MB before, ${(w.rssAfter / 1024).toFixed(0)} MB after`,
      );
    }
  } finally {
    for (const t of instances) await t.stop().catch((e: unknown) => console.error(e));
  }
  console.log(`total ${((performance.now() - started) / 1000).toFixed(0)}s`);
}
