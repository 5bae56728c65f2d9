-- The two database roles of the portal; cluster-wide, created once per
-- PostgreSQL server (by the dev services script, the test harness and the
-- docker-compose init), never by a migration.
--
--   portal_owner  owns the schema and runs migrations and the operator
--                 command. FORCE ROW LEVEL SECURITY applies to it too.
--   portal_app    what the server logs in as: not a superuser, no BYPASSRLS,
--                 owns nothing; migrations GRANT it table privileges. Other
--                 login roles may be made members of it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portal_owner') THEN
        CREATE ROLE portal_owner LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE CREATEDB;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portal_app') THEN
        CREATE ROLE portal_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB;
    END IF;
END
$$;
