DROP TABLE notification_preferences;
DROP INDEX addresses_one_default;
