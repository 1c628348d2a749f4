import type { AccessKeyRepository } from '../../store/access-keys.js';

/**
 * Records when each long-term access key was last used (GetAccessKeyLastUsed), off the
 * response path: `record()` never waits on the database. Each key is written at most once per
 * `intervalMs` per replica; the write is started immediately (not deferred to a timer), and
 * `flush()` waits for every write in flight (GetAccessKeyLastUsed and shutdown call it). Writes
 * never move last_used_at backwards. A failed write is retried on the key's next use.
 */
export class LastUsedRecorder {
  private readonly lastWritten = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly keys: Pick<AccessKeyRepository, 'recordLastUsed'>,
    private readonly intervalMs = 60_000,
    private readonly onError: (e: unknown) => void = () => {},
  ) {}

  record(accessKeyId: string, service: string, region: string, now: Date): void {
    if (!accessKeyId.startsWith('AKIA')) return;
    const t = now.getTime();
    const prev = this.lastWritten.get(accessKeyId);
    if (prev !== undefined && t - prev < this.intervalMs) return;
    if (this.lastWritten.size > 100_000) this.lastWritten.clear();
    this.lastWritten.set(accessKeyId, t);
    const p = this.keys
      .recordLastUsed(accessKeyId, now, service, region)
      .then(
        () => {},
        (e: unknown) => {
          this.lastWritten.delete(accessKeyId);
          this.onError(e);
        },
      )
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}
