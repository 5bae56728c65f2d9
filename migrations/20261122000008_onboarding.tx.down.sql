ALTER TABLE customers DROP COLUMN profile_completed;
DROP TABLE access_requests;
