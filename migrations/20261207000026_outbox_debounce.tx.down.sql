DROP INDEX outbox_events_debounce_key;
ALTER TABLE outbox_events DROP COLUMN deliver_after;
