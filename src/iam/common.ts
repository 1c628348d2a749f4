import { Errors } from '../errors/index.js';
import type { AuthedContext } from '../protocols/operation.js';

export interface Tag {
  Key: string;
  Value: string;
}

export function assertUniqueTagKeys(tags: Tag[]): void {
  const seen = new Set<string>();
  for (const t of tags) {
    const k = t.Key.toLowerCase();
    if (seen.has(k)) throw Errors.invalidInput('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    seen.add(k);
  }
}

/** Marker / MaxItems (1-1000, default 100). */
export interface Page {
  marker: string | undefined;
  maxItems: number;
}

/** Opaque markers: the sort key of the last item returned, base64url. */
export const encodeMarker = (lastKey: string) => Buffer.from(lastKey, 'utf8').toString('base64url');
export function decodeMarker(marker: string | undefined): string | undefined {
  if (marker === undefined) return undefined;
  if (!/^[A-Za-z0-9_-]+$/.test(marker)) throw Errors.invalidInput('Invalid Marker.');
  return Buffer.from(marker, 'base64url').toString('utf8');
}

/**
 * Apply Marker/MaxItems to items already sorted by `key`. Fetch `maxItems + 1` rows after the
 * marker from SQL and pass them here: returns the page, IsTruncated and the next Marker.
 */
export function paginate<T>(rows: T[], page: Page, key: (t: T) => string): { items: T[]; IsTruncated: boolean; Marker?: string } {
  if (rows.length <= page.maxItems) return { items: rows, IsTruncated: false };
  const items = rows.slice(0, page.maxItems);
  return { items, IsTruncated: true, Marker: encodeMarker(key(items[items.length - 1]!)) };
}

/** Marker/MaxItems over a list already in memory (tags, versions): the Marker is the next index. */
export function pageList<T>(items: readonly T[], page: Page): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const start = page.marker === undefined ? 0 : Number(decodeMarker(page.marker));
  if (!Number.isInteger(start) || start < 0) throw Errors.invalidInput('Invalid Marker.');
  const slice = items.slice(start, start + page.maxItems);
  const next = start + slice.length;
  return next < items.length ? { items: slice, IsTruncated: true, Marker: encodeMarker(String(next)) } : { items: slice, IsTruncated: false };
}

/** A user's or role's PermissionsBoundary element (AttachedPermissionsBoundary), as IAM returns it. */
export const renderBoundary = (arn: string | null | undefined) =>
  arn ? { PermissionsBoundaryType: 'PermissionsBoundaryPolicy' as const, PermissionsBoundaryArn: arn } : undefined;

export const iamArn = (partition: string, accountId: string, resource: string) => `arn:${partition}:iam::${accountId}:${resource}`;

/** The caller's account, the configured partition, and an IAM ARN in that account. */
export const accountOf = (ctx: AuthedContext) => ctx.caller.accountId;
export const partitionOf = (ctx: AuthedContext) => ctx.services.config.partition;
export const arnFor = (ctx: AuthedContext, resource: string) => iamArn(partitionOf(ctx), accountOf(ctx), resource);

/** Policy documents go out URL-encoded, as IAM returns them. */
export const encodeDocument = (doc: string) => encodeURIComponent(doc);
