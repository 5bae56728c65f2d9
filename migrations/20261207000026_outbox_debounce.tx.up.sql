-- Debounced events (spec 000 section 5: inventory.availability_changed,
-- debounce_minutes 5): deliver_after holds an event back until its window
-- closes. While it waits, later changes of the same subject update it
-- (the latest availability, the previous one kept from the window's
-- start), so one event per product per window is sent. At most one waits
-- per subject and type.
ALTER TABLE outbox_events ADD COLUMN deliver_after timestamptz;
CREATE UNIQUE INDEX outbox_events_debounce_key ON outbox_events (tenant_id, event_type, subject_id)
    WHERE published_at IS NULL AND deliver_after IS NOT NULL;

-- The dispatcher hears of new events when their transaction commits
-- (LISTEN outbox_events; the payload is the tenant id) instead of waiting
-- for its next poll. One notification per statement and tenant; PostgreSQL
-- folds repeats within a transaction.
CREATE FUNCTION outbox_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Debounced events (deliver_after set) wait for the poll: waking the
    -- dispatcher for them would find nothing due.
    PERFORM pg_notify('outbox_events', t.tenant_id::text)
        FROM (SELECT DISTINCT tenant_id FROM inserted WHERE deliver_after IS NULL) t;
    RETURN NULL;
END
$$;
CREATE TRIGGER outbox_events_notify AFTER INSERT ON outbox_events REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_events_notify();
