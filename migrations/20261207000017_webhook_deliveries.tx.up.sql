-- The delivery log of each webhook endpoint: one row per attempt, with the
-- receiver's status code and latency (the tenant's admins read it; replay
-- starts from it). Endpoints remember since when they have been failing,
-- to be turned off when a receiver stays down for days.
CREATE TABLE webhook_deliveries (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    endpoint_id  uuid NOT NULL,
    event_id     uuid NOT NULL,
    event_type   text NOT NULL,
    attempt      integer NOT NULL CHECK (attempt > 0),
    succeeded    boolean NOT NULL,
    status_code  integer,
    latency_ms   integer NOT NULL CHECK (latency_ms >= 0),
    error        text NOT NULL DEFAULT '',
    attempted_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, event_id) REFERENCES outbox_events (tenant_id, id)
);
CREATE INDEX webhook_deliveries_idx1 ON webhook_deliveries (tenant_id, endpoint_id, attempted_at DESC);
ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_deliveries
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
-- Append-only for the app role: the log is evidence; pruning it is the
-- owner's job.
GRANT SELECT, INSERT ON webhook_deliveries TO portal_app;

ALTER TABLE webhook_endpoints ADD COLUMN failing_since timestamptz;
