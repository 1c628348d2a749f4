/** Moved to src/protocols/query-xml.ts (the Query protocol's XML); kept while operations still import it here. */
export * from '../protocols/query-xml.js';
