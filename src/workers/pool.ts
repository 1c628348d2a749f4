/**
 * CPU work off the event loop: a small fixed pool of worker threads per purpose ('saml', 'policy')
 * running the pure tasks of ./tasks.ts, so that one hostile request (a 100 KB SAML response, a
 * 10,000-pair simulation, a megabyte of policy text) never stalls health checks, SigV4 or JWT
 * traffic on the main thread.
 *
 *   - size: min(2, available cores) workers per pool, started on first use, unref'd;
 *   - bounded queue: when every worker is busy and QUEUE_LIMIT tasks wait, the task is refused
 *     with Throttling (400, retried by the SDKs) instead of queueing without bound;
 *   - per-task deadline: a task running past its timeout has its worker terminated and replaced,
 *     and answers ServiceUnavailable (503, retryable);
 *   - a crashed worker (uncaught error, out of memory under resourceLimits, exit) fails only its
 *     own task (ServiceUnavailable) and is replaced; the server keeps running;
 *   - an AwsError thrown by a task crosses the thread boundary as code/message/status and is
 *     rethrown as the same AwsError here.
 *
 * The worker runs from the TypeScript sources under tsx (npm start, vitest) and from dist/ after
 * `npm run build`: the entry next to this module is `entry.ts` or `entry.js`, and a TS entry gets
 * the tsx loader.
 */
import { availableParallelism } from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { AwsError, Errors } from '../errors/index.js';
import type { TaskName, TaskInput, TaskOutput } from './tasks.js';

export interface PoolOptions {
  size: number;
  /** The worker's entry module (default: ./entry next to this module). */
  entry?: URL;
  queueLimit: number;
  timeoutMs: number;
  resourceLimits: ResourceLimits;
}

interface Job {
  id: number;
  task: TaskName;
  input: unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  /** Until the worker has loaded its modules (tsx transpiles them on first start). */
  ready: boolean;
  job?: Job | undefined;
  timer?: NodeJS.Timeout | undefined;
}

export type WireError = { code: string; message: string; status: number };
export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError } | { ready: true };

const SELF = import.meta.url;
const ENTRY = new URL(SELF.endsWith('.ts') ? './entry.ts' : './entry.js', SELF);
/**
 * Node 20 does not apply `--import tsx` to a worker's own entry module, so a TS entry is started
 * by a bootstrap that registers the tsx loader first and then imports it.
 */
const tsBoot = (entry: URL) => `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
/** How long a new worker may take to load its modules. */
const STARTUP_MS = 60_000;

export const workerUnavailable = Errors.workerUnavailable;

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  /** Workers replaced after a crash or a timeout (for metrics and tests). */
  replaced = 0;

  constructor(readonly name: string, private readonly opts: PoolOptions) {}

  run<T extends TaskName>(task: T, input: TaskInput<T>): Promise<TaskOutput<T>> {
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.nextId++, task, input, resolve: resolve as (v: unknown) => void, reject };
      const idle = this.idleSlot();
      if (idle) return this.dispatch(idle, job);
      if (this.queue.length >= this.opts.queueLimit) return reject(Errors.throttling());
      this.queue.push(job);
    });
  }

  /** Threads currently alive (tests: to crash one on purpose). */
  workers(): Worker[] {
    return this.slots.map((s) => s.worker);
  }

  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    for (const j of this.queue.splice(0)) j.reject(workerUnavailable());
    for (const s of slots) this.fail(s, workerUnavailable());
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private idleSlot(): Slot | undefined {
    const idle = this.slots.find((s) => !s.job);
    if (idle) return idle;
    if (this.slots.length < this.opts.size) return this.spawn();
    return undefined;
  }

  private spawn(): Slot {
    const entry = this.opts.entry ?? ENTRY;
    const ts = entry.pathname.endsWith('.ts');
    const worker = new Worker(ts ? tsBoot(entry) : entry, {
      eval: ts,
      execArgv: [],
      resourceLimits: this.opts.resourceLimits,
      name: `tessera-${this.name}`,
      stdout: false,
      stderr: false,
    });
    worker.unref();
    const slot: Slot = { worker, ready: false };
    slot.timer = setTimeout(() => void worker.terminate(), STARTUP_MS);
    slot.timer.unref();
    worker.on('message', (r: Reply) => this.onReply(slot, r));
    worker.on('error', () => this.onExit(slot));
    worker.on('exit', () => this.onExit(slot));
    this.slots.push(slot);
    return slot;
  }

  private dispatch(slot: Slot, job: Job): void {
    slot.job = job;
    if (!slot.ready) return; // sent once the worker reports ready
    this.send(slot, job);
  }

  private send(slot: Slot, job: Job): void {
    slot.timer = setTimeout(() => {
      this.fail(slot, workerUnavailable());
      void slot.worker.terminate();
    }, this.opts.timeoutMs);
    slot.timer.unref();
    slot.worker.postMessage({ id: job.id, task: job.task, input: job.input });
  }

  private onReply(slot: Slot, r: Reply): void {
    if ('ready' in r) {
      clearTimeout(slot.timer);
      slot.ready = true;
      if (slot.job) this.send(slot, slot.job);
      return;
    }
    const job = slot.job;
    if (!job || job.id !== r.id) return;
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.timer = undefined;
    if (r.ok) job.resolve(r.value);
    else job.reject(Errors.fromWire(r.error));
    this.next(slot);
  }

  private fail(slot: Slot, e: AwsError): void {
    const job = slot.job;
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.timer = undefined;
    job?.reject(e);
  }

  /** A worker died (crash, OOM, terminate after a timeout): fail its task, drop it, serve the queue. */
  private onExit(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i === -1) return;
    this.slots.splice(i, 1);
    this.replaced++;
    this.fail(slot, workerUnavailable());
    const job = this.queue.shift();
    if (job) this.dispatch(this.spawn(), job);
  }

  private next(slot: Slot): void {
    const job = this.queue.shift();
    if (job) this.dispatch(slot, job);
  }
}

const cores = Math.max(1, availableParallelism());
const pools = new Map<string, WorkerPool>();
const SETTINGS: Record<'saml' | 'policy', PoolOptions> = {
  saml: { size: Math.min(2, cores), queueLimit: 128, timeoutMs: 10_000, resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 32 } },
  policy: { size: Math.min(2, cores), queueLimit: 64, timeoutMs: 30_000, resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 } },
};

/** The process-wide pool for this purpose (created on first use). */
export function workerPool(name: 'saml' | 'policy'): WorkerPool {
  let p = pools.get(name);
  if (!p) pools.set(name, (p = new WorkerPool(name, SETTINGS[name])));
  return p;
}
