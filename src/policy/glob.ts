/**
 * Wildcard matching for `*` (any run of characters, including none, `:` and `/`) and `?`
 * (exactly one character), without regular expressions and without backtracking.
 *
 * A pattern is split at its stars into segments. The first segment must match at the start,
 * the last at the end, and each middle segment is found greedily at its leftmost position
 * after the previous one (leftmost placement is always optimal for glob patterns). Cost is
 * bounded by O(|text| × |segment|) per segment, so hostile patterns such as `*a*a*a*…b`
 * against long strings stay linear-ish instead of exponential.
 */

/** A pattern part: literal text (never a wildcard), a star or a question mark. */
export type GlobPart = string | typeof STAR | typeof QMARK;
export const STAR = 0 as const;
export const QMARK = 1 as const;

interface Segment {
  readonly text: string;
  /** Positions holding `?`, or null when the segment has none. */
  readonly q: Uint8Array | null;
}

export interface Glob {
  /** True when the pattern contains no wildcard at all. */
  readonly exact: boolean;
  readonly source: string;
  match(text: string): boolean;
}

const segMatchAt = (seg: Segment, s: string, at: number): boolean => {
  const t = seg.text;
  if (seg.q === null) return s.startsWith(t, at);
  const q = seg.q;
  for (let i = 0; i < t.length; i++) {
    if (q[i] === 0 && s.charCodeAt(at + i) !== t.charCodeAt(i)) return false;
  }
  return true;
};

const segFind = (seg: Segment, s: string, from: number, limit: number): number => {
  const n = seg.text.length;
  if (seg.q === null) {
    const i = s.indexOf(seg.text, from);
    return i >= 0 && i + n <= limit ? i : -1;
  }
  for (let i = from; i + n <= limit; i++) if (segMatchAt(seg, s, i)) return i;
  return -1;
};

/** Compile parts (literal text, STAR, QMARK) into a matcher. */
export function compileGlobParts(parts: readonly GlobPart[]): Glob {
  const segs: Segment[] = [];
  let text = '';
  let q: number[] = [];
  let stars = 0;
  let source = '';
  const close = (): void => {
    let mask: Uint8Array | null = null;
    if (q.length > 0) {
      mask = new Uint8Array(text.length);
      for (const i of q) mask[i] = 1;
    }
    segs.push({ text, q: mask });
    text = '';
    q = [];
  };
  for (const p of parts) {
    if (p === STAR) {
      close();
      stars++;
      source += '*';
    } else if (p === QMARK) {
      q.push(text.length);
      text += '?';
      source += '?';
    } else {
      text += p;
      source += p;
    }
  }
  close();
  const first = segs[0] as Segment;
  const last = segs[segs.length - 1] as Segment;

  if (stars === 0) {
    if (first.q === null) {
      const lit = first.text;
      return { exact: true, source, match: (s) => s === lit };
    }
    return { exact: false, source, match: (s) => s.length === first.text.length && segMatchAt(first, s, 0) };
  }
  let minLen = 0;
  for (const s of segs) minLen += s.text.length;
  if (stars === 1 && first.q === null && last.q === null) {
    const a = first.text;
    const b = last.text;
    if (b === '') return { exact: false, source, match: (s) => s.startsWith(a) };
    if (a === '') return { exact: false, source, match: (s) => s.endsWith(b) };
    return { exact: false, source, match: (s) => s.length >= minLen && s.startsWith(a) && s.endsWith(b) };
  }
  const middles = segs.slice(1, -1).filter((s) => s.text.length > 0);
  return {
    exact: false,
    source,
    match: (s) => {
      if (s.length < minLen) return false;
      if (!segMatchAt(first, s, 0)) return false;
      const end = s.length - last.text.length;
      if (!segMatchAt(last, s, end)) return false;
      let pos = first.text.length;
      for (const m of middles) {
        const i = segFind(m, s, pos, end);
        if (i < 0) return false;
        pos = i + m.text.length;
      }
      return true;
    },
  };
}

/** Split a plain pattern string into parts (`*` and `?` are wildcards, nothing else is special). */
export function globParts(pattern: string): GlobPart[] {
  const parts: GlobPart[] = [];
  let lit = '';
  for (const ch of pattern) {
    if (ch === '*' || ch === '?') {
      if (lit) parts.push(lit);
      lit = '';
      parts.push(ch === '*' ? STAR : QMARK);
    } else lit += ch;
  }
  if (lit) parts.push(lit);
  return parts;
}

export const compileGlob = (pattern: string): Glob => compileGlobParts(globParts(pattern));
