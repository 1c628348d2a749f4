/**
 * `aws:CurrentTime` as the policy engine compares it: `2026-11-27T19:50:10Z` (whole seconds,
 * UTC). Pure; the last few seconds formatted are remembered, as every federated request on the
 * hot path formats "now".
 */
export function currentTimeValue(d: Date): string {
  const t = d.getTime();
  const sec = Math.floor(t / 1000);
  const slot = sec & (SLOTS - 1);
  if (secs[slot] === sec) return strs[slot]!;
  const s = d.toISOString(); // a RangeError for an invalid date
  // `YYYY-MM-DDTHH:MM:SS.sssZ` (or ±YYYYYY-… for far years): drop the millis.
  const out = s.slice(0, s.length - 5) + 'Z';
  secs[slot] = sec;
  strs[slot] = out;
  return out;
}
const SLOTS = 64;
const secs = new Float64Array(SLOTS).fill(NaN);
const strs: (string | undefined)[] = new Array<string | undefined>(SLOTS);
