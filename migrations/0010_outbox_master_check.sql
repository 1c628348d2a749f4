-- 0010 invalidation outbox; audit outcome 'unknown'
-- Why: an IAM change must reach every replica's in-process caches even when Redis is down or a
-- replica is disconnected at the moment of the change. The change's own transaction inserts a
-- row here (and NOTIFYs, which Postgres delivers at commit), so the invalidation commits exactly
-- when the change does; each replica applies rows by sequence number and, after any gap in its
-- connection, flushes everything. Rows are purged after a day.
-- Audit: a change whose COMMIT was in flight when the database connection was lost may or may
-- not have been applied; its audit record says 'unknown' rather than claiming either.
-- (The master-key check value lives in settings, key 'master_key_check': no schema needed.)

CREATE TABLE invalidation_outbox (
  seq        bigserial PRIMARY KEY,
  message    jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invalidation_outbox_created ON invalidation_outbox (created_at);

ALTER TABLE audit_events DROP CONSTRAINT IF EXISTS audit_events_outcome_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_outcome_check CHECK (outcome IN ('success', 'failure', 'unknown'));
