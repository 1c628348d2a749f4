import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { isAwsQueryRequest } from '../../src/app.js';
import { startTestTessera, type TestTessera } from '../support/tessera.js';

/** The AWS Query endpoint is served outside Express; everything else still goes through it. */
const req = (method: string, url: string) => ({ method, url }) as IncomingMessage;

describe('request routing', () => {
  it('sends exactly GET/HEAD/POST on path / to the AWS Query adapter', () => {
    for (const [m, u] of [['POST', '/'], ['GET', '/?Action=GetCallerIdentity&Version=2011-06-15'], ['HEAD', '/'], ['POST', '/?x'], ['POST', 'http://sts.local/?a=b']] as const) {
      expect(isAwsQueryRequest(req(m, u))).toBe(true);
    }
    for (const [m, u] of [['OPTIONS', '/'], ['PUT', '/'], ['POST', '/oauth2/token'], ['GET', '/healthz'], ['GET', '//'], ['GET', '/x?'], ['POST', 'http://sts.local/metrics'], ['GET', '*']] as const) {
      expect(isAwsQueryRequest(req(m, u))).toBe(false);
    }
  });

  let t: TestTessera;
  beforeAll(async () => {
    t = await startTestTessera();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('answers AWS Query errors in XML and the other endpoints through Express', async () => {
    const q = await fetch(`${t.url}/?Action=Nope&Version=2011-06-15`);
    expect(q.status).toBe(400);
    expect(q.headers.get('content-type')).toBe('text/xml');
    expect(q.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await q.text()).toContain('<Code>InvalidAction</Code>');
    const h = await fetch(`${t.url}/healthz`);
    expect(h.status).toBe(200);
    const nf = await fetch(`${t.url}/nope`);
    expect(nf.status).toBe(404);
    expect(await nf.json()).toEqual({ error: 'NotFound', message: 'No such endpoint' });
    expect(nf.headers.get('x-powered-by')).toBeNull();
  });
});
