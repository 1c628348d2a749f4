import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreatePolicyCommand, CreateUserCommand, DetachUserPolicyCommand, GetUserCommand, ListPoliciesCommand, type IAMClient } from '@aws-sdk/client-iam';
import { iamClient, rejection } from '../support/clients.js';
import { createDb } from '../../src/store/db.js';
import {
  auditViolations,
  call,
  sleep,
  startCluster,
  startPrivatePostgres,
  startPrivateRedis,
  stopAll,
  waitFor,
  type CallRecord,
  type Cluster,
  type PrivatePostgres,
} from '../support/faults.js';

/**
 * Postgres connections terminated, then Postgres restarted, under mixed read/write load on two
 * replicas: no replica exits (they run in this process: an unhandled 'error' event would end
 * the test run), the only errors are 503s and only around the faults, no write is half done,
 * each answer tells the truth about its write, and every answer has its audit row.
 */
let pg: PrivatePostgres;
let cluster: Cluster;
let clients: IAMClient[];
const log: CallRecord[] = [];
const DOC = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });

beforeAll(async () => {
  pg = await startPrivatePostgres();
  const redis = await startPrivateRedis();
  cluster = await startCluster({ pg, redis, replicas: 2, poolSize: 4 });
  clients = cluster.replicas.map((r) => iamClient(r, cluster.root));
  await clients[0]!.send(new CreateUserCommand({ UserName: 'reader' }));
}, 120_000);

afterAll(async () => {
  await stopAll();
}, 60_000);

describe('Postgres cut and restarted under load', () => {
  it('answers 503 only while Postgres is away, keeps serving, writes nothing by halves', async () => {
    let stop = false;
    let n = 0;
    const worker = async (w: number) => {
      for (let i = 0; !stop && i < 400; i++) {
        const r = (w + i) % 2;
        const c = clients[r]!;
        const id = `${w}-${n++}`;
        switch (i % 5) {
          case 0:
            await call(log, r, `CreatePolicy p-${id}`, () => c.send(new CreatePolicyCommand({ PolicyName: `p-${id}`, PolicyDocument: DOC })));
            break;
          case 1:
            await call(log, r, `CreateUser u-${id}`, () => c.send(new CreateUserCommand({ UserName: `u-${id}` })));
            break;
          case 2:
            await call(log, r, 'GetUser', () => c.send(new GetUserCommand({ UserName: 'reader' })));
            break;
          case 3:
            await call(log, r, 'ListPolicies', () => c.send(new ListPoliciesCommand({ Scope: 'Local', MaxItems: 5 })));
            break;
          default:
            // A refusal (NoSuchEntity), to check refusals are audited as failures.
            await call(log, r, 'DetachUserPolicy', () =>
              c.send(new DetachUserPolicyCommand({ UserName: 'reader', PolicyArn: `arn:aws:iam::${cluster.accountId}:policy/none` })),
            );
        }
        await sleep(5);
      }
    };
    const workers = [0, 1, 2, 3].map(worker);

    await sleep(800);
    const terminatedAt = Date.now();
    const terminated = await pg.terminateBackends();
    expect(terminated).toBeGreaterThan(0);
    await sleep(1200);
    const stoppedAt = Date.now();
    await pg.stop();
    await sleep(1000);
    await pg.start();
    const startedAt = Date.now();
    await sleep(2000);
    stop = true;
    await Promise.all(workers);

    // Both replicas serve again and say so.
    for (const r of cluster.replicas) {
      const ready = await waitFor(async () => (await fetch(`${r.url}/readyz`)).status === 200, { attempts: 50, everyMs: 100 });
      expect(ready).toBeGreaterThanOrEqual(0);
      expect((await iamClient(r, cluster.root).send(new GetUserCommand({ UserName: 'reader' }))).User?.UserName).toBe('reader');
    }

    const answered = log.filter((c) => c.status !== undefined);
    expect(answered.length).toBe(log.length); // every request got an HTTP answer
    const unexpected = log.filter((c) => c.status !== 200 && !(c.op === 'DetachUserPolicy' && c.status === 404 && /^NoSuchEntity/.test(c.code ?? '')));
    for (const c of unexpected) {
      expect(`${c.op}: ${c.status} ${c.code}`).toBe(`${c.op}: 503 ServiceUnavailable`);
      // Only around the faults: the terminated connections, and while Postgres was down.
      const nearTerminate = c.at + c.ms >= terminatedAt - 50 && c.at <= terminatedAt + 1500;
      const whileAway = c.at + c.ms >= stoppedAt - 50 && c.at <= startedAt + 1500;
      expect({ op: c.op, nearFault: nearTerminate || whileAway }).toEqual({ op: c.op, nearFault: true });
    }
    expect(log.filter((c) => c.status === 200).length).toBeGreaterThan(20);
    expect(unexpected.length).toBeGreaterThan(0); // the faults were felt

    // No partial writes: every policy has exactly one (default) version.
    const broken = await pg.query(
      `SELECT p.policy_name FROM policies p LEFT JOIN policy_versions v ON v.policy_id = p.policy_id
        WHERE p.account_id IS NOT NULL GROUP BY p.policy_name HAVING count(v.*) <> 1 OR count(*) FILTER (WHERE v.is_default) <> 1`,
    );
    expect(broken.rows).toEqual([]);
    // Each answer is true about its write: 200 → it exists; a plain 503 → it does not; only an
    // "outcome unknown" 503 may go either way.
    const policies = new Set((await pg.query<{ n: string }>('SELECT policy_name AS n FROM policies')).rows.map((x) => x.n));
    const users = new Set((await pg.query<{ n: string }>('SELECT user_name AS n FROM users')).rows.map((x) => x.n));
    for (const c of log) {
      const m = /^Create(Policy|User) (.+)$/.exec(c.op);
      if (!m) continue;
      const exists = (m[1] === 'Policy' ? policies : users).has(m[2]!);
      if (c.status === 200) expect({ op: c.op, exists }).toEqual({ op: c.op, exists: true });
      else if (!/may or may not/.test(c.message ?? '')) expect({ op: c.op, status: c.status, exists }).toEqual({ op: c.op, status: c.status, exists: false });
    }

    expect(await auditViolations(pg, log)).toEqual([]);
  }, 90_000);

  it('a connection lost around COMMIT is "outcome unknown"; lost before it, a plain 503; neither crashes', async () => {
    const db = createDb(pg.url, { max: 2 });
    try {
      await db.query('CREATE TABLE IF NOT EXISTS fault_probe (id text PRIMARY KEY)');
      const killOwn = async (c: { query: (s: string) => Promise<{ rows: { pid: number }[] }> }) => {
        const { rows } = await c.query('SELECT pg_backend_pid() AS pid');
        await pg.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        await sleep(100); // the client sees the connection end while idle in the transaction
      };
      // Cut after the body, before COMMIT's answer: the client cannot know whether it committed.
      const unknown = await rejection(
        db.tx(async (c) => {
          await c.query(`INSERT INTO fault_probe VALUES ('a')`);
          await killOwn(c);
        }),
      );
      expect([unknown.code, unknown.status, unknown.message]).toEqual([
        'ServiceUnavailable',
        503,
        'Service is unavailable: the connection to the database was lost while this change was being committed, so it may or may not have been applied. Check before retrying.',
      ]);
      expect(unknown.detail).toEqual({ outcome: 'unknown' });
      // Cut while the body still runs: a plain 503, nothing applied.
      const plain = await rejection(
        db.tx(async (c) => {
          await killOwn(c);
          await c.query(`INSERT INTO fault_probe VALUES ('b')`);
        }),
      );
      expect([plain.code, plain.status, plain.message]).toEqual(['ServiceUnavailable', 503, 'Service is unavailable']);
      expect((await db.query<{ id: string }>('SELECT id FROM fault_probe ORDER BY id')).rows).toEqual([]);
      // The pool is healthy afterwards.
      expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
    }
  }, 30_000);
});
