import { monitorEventLoopDelay } from 'node:perf_hooks';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';

/**
 * Probe a running Tessera while `heavy` is in flight: GET /healthz and a signed GetCallerIdentity,
 * one after the other every few milliseconds, until `heavy` settles. Returns the slowest answer of
 * each (ms), the longest event-loop stall of this process (the server and the probes share it) and how many probes ran (the latency bound the hardening issue asks to show).
 */
export async function probeWhile(url: string, sts: STSClient, heavy: Promise<unknown>): Promise<{ healthz: number; callerIdentity: number; probes: number; eventLoopDelay: number }> {
  let done = false;
  const settled = heavy.finally(() => {
    done = true;
  });
  const max = { healthz: 0, callerIdentity: 0, probes: 0, eventLoopDelay: 0 };
  const eld = monitorEventLoopDelay({ resolution: 5 });
  eld.enable();
  while (!done) {
    let t = performance.now();
    const r = await fetch(`${url}/healthz`);
    await r.text();
    if (r.status !== 200) throw new Error(`healthz answered ${r.status}`);
    max.healthz = Math.max(max.healthz, performance.now() - t);
    t = performance.now();
    await sts.send(new GetCallerIdentityCommand({}));
    max.callerIdentity = Math.max(max.callerIdentity, performance.now() - t);
    max.probes++;
    await new Promise((r) => setTimeout(r, 5));
  }
  await settled;
  eld.disable();
  max.eventLoopDelay = eld.max / 1e6;
  return max;
}
