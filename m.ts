import { Worker } from 'node:worker_threads';
const entry = new URL('./src/workers/entry.ts', import.meta.url).href;
const code = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
const w = new Worker(code, { eval: true });
w.on('error', (e) => console.log('ERR', e));
w.on('exit', (c) => console.log('EXIT', c));
w.on('message', (m) => { console.log('MSG', JSON.stringify(m)); w.terminate(); });
w.postMessage({ id: 1, task: 'policy.contextKeys', input: { policies: ['{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}'] } });
