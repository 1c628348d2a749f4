/**
 * The request context, normalized once per request: keys lower-cased (condition key names are
 * case-insensitive), values turned into strings (numbers and booleans by their JSON text),
 * arrays kept as arrays (multivalued keys).
 */
import type { ContextValues } from './types.js';

export type NormalizedValue = string | readonly string[];

export interface ContextLookup {
  /** The value, or undefined when the key is absent. */
  get(lowerKey: string): NormalizedValue | undefined;
  /** The value as a single string; undefined when absent or multivalued with other than one value. */
  single(lowerKey: string): string | undefined;
}

const str = (v: string | number | boolean): string => (typeof v === 'string' ? v : String(v));

// A class rather than closures: evaluate() builds one per request, and this stays allocation-light.
class NormalizedContext implements ContextLookup {
  private readonly map = new Map<string, NormalizedValue>();

  constructor(values: ContextValues | undefined) {
    if (!values) return;
    for (const key in values) {
      if (!Object.prototype.hasOwnProperty.call(values, key)) continue;
      const v = values[key];
      if (v === undefined || v === null) continue;
      this.map.set(key.toLowerCase(), Array.isArray(v) ? (v as readonly (string | number | boolean)[]).map(str) : str(v as string | number | boolean));
    }
  }

  get(k: string): NormalizedValue | undefined {
    return this.map.get(k);
  }

  single(k: string): string | undefined {
    const v = this.map.get(k);
    if (v === undefined) return undefined;
    if (typeof v === 'string') return v;
    return v.length === 1 ? v[0] : undefined;
  }
}

export function normalizeContext(values: ContextValues | undefined): ContextLookup {
  return new NormalizedContext(values);
}
