-- The application role's rights on the tables (README § Rôles PostgreSQL). Run after every
-- `manage.py migrate` (as the owner role), connected to the application's database:
--   psql -d arml -U arml_owner -v app=arml_app -f deploy/postgres-grants.sql
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO :"app";
-- The ledger is read and appended to, never changed: no UPDATE, DELETE or TRUNCATE (its
-- triggers refuse them too, but only the owner or a superuser could lift the triggers). The
-- chain head (audit_chainhead) stays updatable: every append moves it.
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER
    ON audit_auditevent, audit_checkpoint, audit_merklechunk FROM :"app";
