/** Moved to src/metrics.ts (metrics are recorded by every layer, not only the HTTP edge). */
export { createMetrics, type Metrics } from '../metrics.js';
