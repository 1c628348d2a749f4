/**
 * ARN matching for the Arn* condition operators: each of the six colon-delimited components
 * (`arn:partition:service:region:account:resource`) is matched separately and may carry `*`
 * and `?`; the resource component keeps any further colons. A policy value with fewer than six
 * components (e.g. `*`) is matched against the whole ARN.
 */
import { compileGlobParts, type Glob, type GlobPart } from '../../glob.js';

export interface ArnPattern {
  readonly segments: readonly Glob[] | null;
  readonly whole: Glob;
}

/** Split an ARN string into its six components, or null when it has fewer. */
export function splitArn(arn: string): string[] | null {
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < 5; i++) {
    const c = arn.indexOf(':', from);
    if (c < 0) return null;
    out.push(arn.slice(from, c));
    from = c + 1;
  }
  out.push(arn.slice(from));
  return out;
}

export function compileArnPattern(parts: readonly GlobPart[]): ArnPattern {
  const segs: GlobPart[][] = [[]];
  for (const p of parts) {
    if (typeof p !== 'string' || segs.length === 6) {
      (segs[segs.length - 1] as GlobPart[]).push(p);
      continue;
    }
    let rest = p;
    while (segs.length < 6) {
      const c = rest.indexOf(':');
      if (c < 0) break;
      (segs[segs.length - 1] as GlobPart[]).push(rest.slice(0, c));
      segs.push([]);
      rest = rest.slice(c + 1);
    }
    if (rest) (segs[segs.length - 1] as GlobPart[]).push(rest);
  }
  return {
    segments: segs.length === 6 ? segs.map((s) => compileGlobParts(s)) : null,
    whole: compileGlobParts(parts),
  };
}

export function arnMatches(p: ArnPattern, arn: string): boolean {
  if (p.segments === null) return p.whole.match(arn);
  const parts = splitArn(arn);
  if (parts === null) return false;
  for (let i = 0; i < 6; i++) if (!(p.segments[i] as Glob).match(parts[i] as string)) return false;
  return true;
}
