-- Debounced events (spec 000 section 5: inventory.availability_changed,
-- debounce_minutes 5): deliver_after holds an event back until its window
-- closes. While it waits, later changes of the same subject update it
-- (the latest availability, the previous one kept from the window's
-- start), so one event per product per window is sent. At most one waits
-- per subject and type.
ALTER TABLE outbox_events ADD COLUMN deliver_after timestamptz;
CREATE UNIQUE INDEX outbox_events_debounce_key ON outbox_events (tenant_id, event_type, subject_id)
    WHERE published_at IS NULL AND deliver_after IS NOT NULL;
