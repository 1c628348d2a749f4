/** Domain types shared by several repositories (and the operations that use them). */
export interface Tag {
  Key: string;
  Value: string;
}

/**
 * A keyset page request: rows strictly after `after` (the sort key of the last row of the
 * previous page), at most `limit`. Repositories return rows in sort-key order and say what each
 * row's key is, so the operation can encode the next Marker; no OFFSET, no count.
 */
export interface KeysetQuery {
  after?: string;
  limit: number;
}
