/** A worker for the pool tests: echo, fail with an AwsError, crash, hang, exhaust its heap. */
import { parentPort } from 'node:worker_threads';
import { AwsError } from '../../src/errors/index.js';

parentPort!.on('message', (m: { id: number; task: string; input: unknown }) => {
  switch (m.task) {
    case 'echo':
      return parentPort!.postMessage({ id: m.id, ok: true, value: m.input });
    case 'fail': {
      const e = new AwsError('InvalidIdentityToken', 'bad token', 400);
      return parentPort!.postMessage({ id: m.id, ok: false, error: { code: e.code, message: e.message, status: e.status } });
    }
    case 'crash':
      setImmediate(() => {
        throw new Error('boom');
      });
      return;
    case 'oom': {
      const hog: string[][] = [];
      for (;;) hog.push(new Array(1e6).fill('x'));
    }
    case 'hang':
      return; // never answers
  }
});
parentPort!.postMessage({ ready: true });
