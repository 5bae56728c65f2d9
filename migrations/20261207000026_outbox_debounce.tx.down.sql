DROP TRIGGER outbox_events_notify ON outbox_events;
DROP FUNCTION outbox_events_notify();
DROP INDEX outbox_events_debounce_key;
ALTER TABLE outbox_events DROP COLUMN deliver_after;
