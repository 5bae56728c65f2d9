DROP TABLE audit_events;
DROP TABLE sessions;
