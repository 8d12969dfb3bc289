-- Roles for production (README § Rôles PostgreSQL). Run once, as a superuser, connected to
-- the application's database:
--   psql -d arml -v db=arml -v owner=arml_owner -v app=arml_app \
--        -v owner_password='…' -v app_password='…' -f deploy/postgres-roles.sql
-- The owner role owns the database and runs the migrations; the application role only reads
-- and writes rows: it owns nothing (so it cannot alter, disable or drop the ledger's
-- triggers), is no superuser (so it cannot set session_replication_role, which would skip
-- them), and deploy/postgres-grants.sql gives it no UPDATE, DELETE or TRUNCATE on the ledger.
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
CREATE ROLE :"app" LOGIN PASSWORD :'app_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
ALTER DATABASE :"db" OWNER TO :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"app";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
