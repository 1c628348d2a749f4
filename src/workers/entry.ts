/** Worker-thread entry: runs one task of ./tasks.ts per message and answers { id, ok, value | error }. */
import { constants, setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { isAwsError } from '../errors/index.js';
import type { Reply } from './pool.js';
import { TASKS, type TaskName } from './tasks.js';

// On Linux the nice value is per thread: this worker yields the CPU to the event-loop thread
// (health checks, SigV4, JWT) when cores are contended. Best effort elsewhere.
try {
  setPriority(0, constants.priority.PRIORITY_BELOW_NORMAL);
} catch {
  // not permitted or not supported: run at normal priority
}

parentPort?.on('message', async (msg: { id: number; task: TaskName; input: never }) => {
  let reply: Reply;
  try {
    const fn = Object.hasOwn(TASKS, msg.task) ? (TASKS[msg.task] as (i: unknown) => unknown) : undefined;
    if (!fn) throw new Error(`unknown task ${String(msg.task)}`);
    reply = { id: msg.id, ok: true, value: await fn(msg.input) };
  } catch (e) {
    reply = isAwsError(e) && e.expose
      ? { id: msg.id, ok: false, error: { code: e.code, message: e.message, status: e.status } }
      : { id: msg.id, ok: false, error: { code: 'InternalFailure', message: 'An internal error occurred', status: 500 } };
  }
  parentPort!.postMessage(reply);
});
parentPort?.postMessage({ ready: true });
