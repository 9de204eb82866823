namespace ProxyCluster.Policy.Tests;

/// <summary>
/// Queries that try to talk around a policy, each with the decision it must get, a fragment the reason must
/// contain, and why. Every case goes through the real libpg_query parser.
/// </summary>
internal static class AdversarialCases
{
    private const string Reader = "users-reader";
    private const string Writer = "orders-writer";
    private const string App = "app-owner";
    private const string Temp = "temp-ok";
    private const string Two = "two-schemas";
    private const string Ops = "ops";
    private const string Worker = "worker";
    private const string Secrets = "no-secrets";
    private const string Case = "case-sensitive";
    private const string Loader = "copy-loader";
    private const string NoCatalog = "no-catalog";
    private const string ReadOnly = SqlPolicy.ReadOnlyName;
    private const string Unrestricted = SqlPolicy.UnrestrictedName;

    private const string Allowed = "allows it";

    public static TheoryData<string, string, bool, string, string> All()
    {
        var cases = new TheoryData<string, string, bool, string, string>();

        void Allow(string policy, string sql, string because) => cases.Add(policy, sql, true, Allowed, because);

        void Deny(string policy, string sql, string reason, string because) => cases.Add(policy, sql, false, reason, because);

        // The issue's examples.
        Allow(Reader, "SELECT * FROM users", "X may SELECT from users");
        Allow(Reader, "SELECT id, name FROM public.users WHERE id = 1", "qualified and unqualified users are the same table");
        Deny(Reader, "SELECT * FROM orders", "policy \"users-reader\" does not allow SELECT on table public.orders", "X may read only users");
        Deny(Reader, "UPDATE users SET name = 'x'", "does not allow UPDATE on table public.users", "X may not write users");
        Deny(Reader, "DELETE FROM users", "DELETE on table public.users", "X may not delete");
        Deny(Reader, "INSERT INTO users VALUES (1)", "INSERT on table public.users", "X may not insert");
        Allow(Reader, "SELECT 1", "a SELECT that reads no table and calls nothing unsafe does nothing");
        Deny(Reader, "SELECT * FROM users u JOIN orders o ON o.user_id = u.id", "SELECT on table public.orders", "a join reads both tables");
        Deny(Reader, "SELECT * FROM users WHERE id IN (SELECT user_id FROM orders)", "public.orders", "a subquery in WHERE reads orders");
        Deny(Reader, "SELECT * FROM users, LATERAL (SELECT * FROM orders WHERE user_id = users.id) o", "public.orders", "a LATERAL subquery reads orders");
        Deny(Reader, "SELECT (SELECT count(*) FROM orders) FROM users", "public.orders", "a scalar subquery in the select list reads orders");
        Deny(Reader, "SELECT * FROM users UNION SELECT * FROM orders", "public.orders", "both arms of a UNION are read");
        Allow(Writer, "INSERT INTO orders (id, total) VALUES (1, 10)", "Y may INSERT into orders");
        Allow(Writer, "INSERT INTO public.orders SELECT 1, 2", "INSERT … SELECT of constants reads nothing");
        Deny(Writer, "INSERT INTO orders SELECT * FROM users", "SELECT on table public.users", "the source of INSERT … SELECT is read");
        Deny(Writer, "SELECT * FROM orders", "SELECT on table public.orders", "Y may not read orders");
        Deny(Writer, "INSERT INTO orders VALUES (1) RETURNING id", "SELECT on table public.orders", "RETURNING reads the inserted rows");
        Deny(Writer, "UPDATE orders SET total = 0", "UPDATE on table public.orders", "Y may not update");
        Deny(Writer, "INSERT INTO orders VALUES (1) ON CONFLICT (id) DO UPDATE SET total = 2", "UPDATE on table public.orders", "ON CONFLICT DO UPDATE updates");
        Allow(Writer, "INSERT INTO orders VALUES (1) ON CONFLICT DO NOTHING", "ON CONFLICT DO NOTHING only inserts");
        Deny(Writer, "INSERT INTO orders VALUES (nextval('orders_id_seq'))", "function nextval: it changes a sequence", "sequences need a rule naming nextval");
        Deny(Writer, "TRUNCATE orders", "TRUNCATE on table public.orders", "TRUNCATE is not INSERT");
        Deny(Writer, "DELETE FROM orders", "DELETE on table public.orders", "Y may not delete");

        // Comments and nested comments.
        Allow(Reader, "SELECT * FROM users /* ; DELETE FROM users */", "the DELETE is inside a comment");
        Deny(Reader, "SELECT * FROM users; /* */ DELETE FROM users", "statement 2 of 2: policy \"users-reader\" does not allow DELETE", "a comment does not hide what follows it");
        Allow(Reader, "/* /* nested */ DELETE FROM users; */ SELECT * FROM users", "PostgreSQL comments nest: the DELETE is still commented out");
        Deny(Reader, "/* /* nested */ */ DELETE FROM users", "DELETE on table public.users", "after the nested comment closes the DELETE is real");
        Allow(Reader, "SELECT * FROM users -- ; DELETE FROM users", "a line comment runs to the end of the line");
        Deny(Reader, "SELECT * FROM users --\n; DELETE FROM users", "DELETE on table public.users", "the line comment ends at the newline");
        Deny(Reader, "SELECT/**/*/**/FROM/**/orders", "public.orders", "comments as whitespace");
        Deny(Reader, "SELECT * FROM users /* unterminated", "unterminated /* comment", "an unterminated comment is an analysis error");
        Deny(Reader, "/* /* */ SELECT 1", "unterminated /* comment", "an inner comment left open swallows the rest");
        Deny(Reader, "DEL/**/ETE FROM users", "could not analyse", "a comment inside a keyword splits it");

        // Dollar quoting and string literals.
        Allow(Reader, "SELECT $$; DELETE FROM users; $$ FROM users", "the DELETE is inside a dollar-quoted string");
        Deny(Reader, "SELECT $a$ $$ ; $a$; DELETE FROM users", "DELETE on table public.users", "$$ inside a $a$ string does not end it");
        Deny(Reader, "SELECT $a$; DELETE FROM users; $b$ FROM users", "unterminated dollar-quoted string", "a tag must close with the same tag");
        Allow(Reader, "SELECT $tag$ it's $tag$ FROM users", "a quote inside a dollar-quoted string");
        Allow(Reader, "SELECT 'x''; DELETE FROM users; --' FROM users", "a doubled quote stays inside the string");
        Allow(Reader, @"SELECT E'\'; DELETE FROM users; --' FROM users", @"in an E'' string \' is a quote");
        Deny(Reader, @"SELECT '\'; DELETE FROM users; --'", "DELETE on table public.users", @"with standard_conforming_strings on, '\' is a whole string");
        Deny(Reader, "DO $$ BEGIN DELETE FROM users; END $$", "does not allow DO", "a DO body runs code the proxy cannot check");
        Deny(Reader, "DO $body$ BEGIN EXECUTE 'DROP TABLE users'; END $body$ LANGUAGE plpgsql", "does not allow DO", "DO with a tag and a language");

        // U&"" identifiers and case.
        Allow(Reader, @"SELECT * FROM U&""\0075sers""", @"U&""\0075sers"" is users");
        Deny(Reader, @"SELECT * FROM U&""\006Frders""", "public.orders", "a Unicode-escaped orders is still orders");
        Deny(Reader, @"SELECT * FROM U&""!006Frders"" UESCAPE '!'", "public.orders", "a custom escape character");
        Deny(Reader, @"SELECT * FROM U&""\0055sers""", "public.Users", "an escaped capital U makes a different table");
        Allow(Case, "SELECT * FROM \"Users\"", "the rule names the quoted, mixed-case table");
        Deny(Case, "SELECT * FROM Users", "public.users", "unquoted Users folds to users, another table");
        Deny(Reader, "SELECT * FROM \"Users\"", "public.Users", "quoted \"Users\" is not users");
        Allow(Reader, "SELECT * FROM USERS", "unquoted identifiers fold to lower case");
        Allow(Reader, "SELECT * FROM \"users\"", "quoting a lower-case name changes nothing");
        Allow(Reader, "SELECT * FROM PUBLIC.USERS", "an unquoted schema folds too");
        Deny(Reader, "SELECT * FROM \"PUBLIC\".users", "PUBLIC.users", "a quoted upper-case schema is another schema");

        // Schema qualification and schema.*.
        Deny(Reader, "SELECT * FROM other.users", "other.users", "users in another schema is another table");
        Allow(Reader, "SELECT * FROM mydb.public.users", "a database prefix names the current database");
        Allow(App, "SELECT * FROM app.anything", "app.* covers every table of the schema");
        Allow(App, "SELECT * FROM anything", "unqualified names resolve against the pinned search_path (app)");
        Deny(App, "SELECT * FROM public.users", "public.users", "app.* does not reach other schemas");
        Deny(App, "SELECT * FROM app.secrets", "rule \"no-secrets\"", "deny rules win over app.*");
        Deny(App, "SELECT * FROM secrets", "denies SELECT on table app.secrets", "the unqualified name resolves to the denied table");
        Deny(App, "UPDATE app.t SET v = (SELECT v FROM app.secrets)", "rule \"no-secrets\"", "reading the denied table in a subquery");
        Allow(Two, "SELECT * FROM app.users", "the qualified name is allowed");
        Deny(Two, "SELECT * FROM users", "does not allow SELECT on table public.users", "with two schemas on the path, an unqualified name may mean either");
        Allow(Two, "SELECT * FROM events", "an unqualified rule table covers every schema of the path");
        Deny(Secrets, "SELECT * FROM vault.keys", "rule \"secrets\"", "vault.* is denied");
        Deny(Secrets, "SELECT * FROM public.secrets s JOIN public.users u ON true", "denies SELECT on table public.secrets", "a denied table in a join");
        Allow(Secrets, "SELECT * FROM anything.else", "* allows every other schema");
        Allow(ReadOnly, "SELECT * FROM any_schema.any_table", "read-only reads every table");

        // CTEs that write.
        Deny(Reader, "WITH d AS (DELETE FROM users RETURNING *) SELECT * FROM d", "DELETE on table public.users", "a data-modifying CTE deletes");
        Deny(Reader, "WITH u AS (UPDATE users SET name = 'x' RETURNING *) SELECT count(*) FROM u", "UPDATE on table public.users", "a data-modifying CTE updates");
        Deny(Reader, "WITH i AS (INSERT INTO orders VALUES (1)) SELECT * FROM users", "INSERT on table public.orders", "a CTE that is never referenced still runs");
        Allow(Reader, "WITH orders AS (SELECT * FROM users) SELECT * FROM orders", "a CTE named orders shadows the table");
        Deny(Reader, "WITH x AS (SELECT * FROM users) SELECT * FROM x, orders", "public.orders", "a CTE does not hide other tables");
        Deny(Reader, "WITH orders AS (SELECT 1) SELECT * FROM public.orders", "public.orders", "a qualified name is never a CTE");
        Deny(ReadOnly, "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", "DELETE on table t", "read-only may not delete through a CTE");
        Allow(Writer, "WITH src AS (SELECT 1 AS id) INSERT INTO orders SELECT id FROM src", "a CTE feeding an INSERT");
        Allow(Reader, "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r", "a recursive CTE refers to itself");
        Deny(ReadOnly, "WITH a AS (WITH b AS (DELETE FROM t RETURNING *) SELECT * FROM b) SELECT * FROM a", "DELETE on table t", "a write nested two CTEs deep");

        // Multi-statements.
        Allow(Reader, "SELECT * FROM users; SELECT * FROM users", "every statement is allowed");
        Deny(Reader, "SELECT * FROM users; DROP TABLE users", "DDL (DROP) on table public.users", "one denied statement denies the query");
        Deny(Writer, "INSERT INTO orders VALUES (1); DELETE FROM orders", "statement 2 of 2", "the second statement deletes");
        Allow(Reader, "BEGIN; SELECT * FROM users; COMMIT", "transaction control is allowed");
        Deny(Reader, "BEGIN; UPDATE users SET a = 1; COMMIT", "statement 2 of 3", "an update inside a transaction block");
        Allow(Reader, "SELECT 1;;;SELECT 2", "empty statements between semicolons");
        Deny(Reader, "SELECT * FROM users; SET search_path = evil, public; SELECT * FROM users", "SET search_path", "a search_path change in the middle");

        // Side-effect functions anywhere.
        Deny(Reader, "SELECT set_config('search_path', 'evil', false)", "function set_config: it changes session settings", "set_config is SET by another name");
        Deny(Reader, "SELECT * FROM users WHERE set_config('role', 'admin', false) IS NOT NULL", "set_config", "in WHERE");
        Deny(Reader, "SELECT * FROM users WHERE id = (SELECT pg_sleep(10))::int", "pg_sleep", "in a subquery");
        Deny(Reader, "SELECT pg_catalog.set_config('a', 'b', false)", "pg_catalog.set_config", "qualified with pg_catalog");
        Deny(Reader, "SELECT * FROM pg_read_file('/etc/passwd')", "it reads or writes files", "in FROM");
        Deny(Reader, "SELECT lo_import('/etc/passwd')", "large objects", "large-object functions");
        Deny(Reader, "SELECT * FROM dblink('host=x', 'select 1') AS t(a int)", "it connects to another database", "dblink in FROM");
        Deny(Reader, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity", "pg_terminate_backend", "other sessions");
        Deny(Reader, "SELECT pg_cancel_backend(1)", "pg_cancel_backend", "other sessions");
        Deny(Reader, "SELECT pg_reload_conf()", "pg_reload_conf", "the server's configuration");
        Deny(Reader, "SELECT nextval('s')", "nextval", "sequences change");
        Deny(Reader, "SELECT setval('s', 1)", "setval", "sequences change");
        Deny(Reader, "SELECT pg_advisory_lock(1)", "it takes advisory locks", "advisory locks");
        Deny(Reader, "SELECT query_to_xml('select * from orders', true, true, '')", "it runs SQL given as a string", "SQL hidden in a string");
        Deny(Reader, "SELECT table_to_xml('orders', true, true, '')", "it reads a table named in a string", "a table hidden in a string");
        Deny(Reader, "SELECT txid_current()", "it assigns a transaction id", "txid_current writes");
        Allow(Reader, "SELECT current_setting('search_path')", "reading a setting is harmless");
        Allow(Reader, "SELECT lower(name), count(*), coalesce(max(id), 0), now(), date_trunc('day', now()) FROM users GROUP BY 1", "everyday functions are on the safe list");
        Allow(Reader, "SELECT json_agg(u), jsonb_build_object('a', 1), string_agg(name, ',') FROM users u", "JSON builders and aggregates");
        Allow(Reader, "SELECT extract(year FROM now()), substring(name FROM 1 FOR 2), trim(both ' ' FROM name), position('a' IN name) FROM users", "SQL-syntax functions become pg_catalog calls");
        Deny(Reader, "SELECT public.my_func(id) FROM users", "function public.my_func: it is not on the list of side-effect-free functions", "user-defined functions");
        Deny(Reader, "SELECT my_func(id) FROM users", "function my_func", "unknown unqualified functions");
        Deny(Reader, "SELECT \"LOWER\"(name) FROM users", "function LOWER", "a quoted upper-case name is another function");
        Allow(Reader, "SELECT * FROM users WHERE id IN (SELECT unnest(ARRAY[1,2]))", "unnest is safe");
        Deny(Reader, "SELECT abs(lower(upper(pg_sleep(1)::text))::int)", "pg_sleep", "nested inside safe functions");
        Deny(Reader, "WITH x AS (SELECT set_config('a', 'b', false)) SELECT * FROM users", "set_config", "inside a CTE that is never referenced");
        Deny(Reader, "SELECT * FROM users ORDER BY pg_sleep(1)", "pg_sleep", "in ORDER BY");
        Deny(Reader, "SELECT * FROM users GROUP BY id HAVING pg_sleep(1) IS NULL", "pg_sleep", "in HAVING");
        Deny(Reader, "SELECT evil.lower(name) FROM users", "function evil.lower", "a safe name in another schema is not safe");
        Allow(Reader, "SELECT pg_catalog.lower(name) FROM users", "pg_catalog.lower is lower");
        Deny(Reader, "SELECT pg_notify('ch', 'x')", "it sends a notification", "pg_notify is NOTIFY");
        Deny(Reader, "SELECT ts_stat('SELECT vector FROM secrets')", "it runs SQL given as a string", "ts_stat runs its argument");
        Deny(Reader, "VALUES (nextval('s'))", "nextval", "in VALUES");
        Deny(Reader, "SELECT * FROM users WHERE id = ANY (SELECT setval('s', 5))", "setval", "in a sublink");
        Allow(App, "INSERT INTO app.t VALUES (nextval('app.t_id_seq'))", "the rule names nextval");
        Allow(App, "SELECT app.next_id()", "the rule names app.next_id");
        Allow(App, "SELECT next_id()", "unqualified next_id resolves in the pinned search_path (app)");
        Deny(App, "SELECT other.next_id()", "function other.next_id", "the same name in another schema");
        Deny(App, "CREATE TABLE app.t (x text DEFAULT set_config('a', 'b', false))", "set_config", "a function in a column default");
        Deny(App, "ALTER TABLE app.t ALTER COLUMN x SET DEFAULT pg_sleep(1)", "pg_sleep", "a function in ALTER … SET DEFAULT");
        Deny(Secrets, "SELECT lower('x')", "rule \"no-sleep\"", "a deny rule beats the safe list");
        Deny(Secrets, "SELECT pg_catalog.pg_sleep(1)", "rule \"no-sleep\"", "an unqualified deny entry covers pg_catalog");
        Allow(Ops, "SELECT anything.at_all(1)", "functions: [\"*\"] allows every function");
        Allow(ReadOnly, "SELECT gen_random_uuid(), random(), md5('x'), to_char(now(), 'YYYY')", "volatile but side-effect-free");
        Deny(ReadOnly, "SELECT lo_export(1, '/tmp/x')", "lo_export", "large objects");
        Deny(ReadOnly, "SELECT pg_ls_dir('.')", "pg_ls_dir", "server directories");
        Deny(ReadOnly, "SELECT pg_stat_file('postgresql.conf')", "pg_stat_file", "server files");
        Deny(ReadOnly, "SELECT dblink_exec('x', 'y')", "dblink_exec", "dblink");

        // search_path changes.
        Deny(Reader, "SET search_path = evil, public", "does not allow SET search_path: the route pins it", "search_path decides what names mean");
        Deny(Reader, "SET search_path TO DEFAULT", "SET search_path", "even back to the default");
        Deny(Reader, "SET SCHEMA 'evil'", "SET search_path", "SET SCHEMA is search_path");
        Deny(Reader, "SET LOCAL search_path = evil", "SET search_path", "SET LOCAL too");
        Deny(Reader, "RESET search_path", "RESET search_path", "RESET too");
        Deny(Ops, "SET search_path = evil", "the route pins it", "no document can allow it");
        Allow(Unrestricted, "SET search_path = app", "unrestricted does not pin search_path");
        Deny(Unrestricted, "SET client_encoding = 'LATIN1'", "SET client_encoding", "the proxy reads queries as UTF-8");
        Deny(Unrestricted, "SET NAMES 'SQL_ASCII'", "client_encoding", "SET NAMES is client_encoding");
        Deny(Unrestricted, "SET standard_conforming_strings = off", "standard_conforming_strings", "the proxy reads strings with it on");
        Deny(Reader, "UPDATE pg_settings SET setting = 'evil' WHERE name = 'search_path'", "pg_settings", "pg_settings is set_config in disguise");
        Deny(Ops, "UPDATE pg_catalog.pg_settings SET setting = 'evil' WHERE name = 'search_path'", "it changes settings like set_config", "even when everything else is allowed");

        // Temporary-table shadowing.
        Deny(Reader, "CREATE TEMP TABLE users (id int)", "does not allow temporary tables (pg_temp.users)", "a temp table shadows users");
        Deny(Reader, "CREATE TEMPORARY TABLE users AS SELECT * FROM orders", "temporary tables", "CREATE TEMPORARY TABLE AS");
        Deny(Reader, "SELECT * INTO TEMP users FROM users", "temporary tables", "SELECT INTO TEMP");
        Deny(Reader, "SELECT * FROM pg_temp.users", "temporary tables (pg_temp.users)", "naming the temp schema");
        Deny(Reader, "SELECT * FROM pg_temp_3.users", "temporary tables (pg_temp_3.users)", "a backend's own temp schema");
        Deny(Reader, "CREATE TEMP VIEW users AS SELECT 1", "temporary tables", "a temp view shadows too");
        Deny(Ops, "CREATE TEMP SEQUENCE users", "temporary tables (a temporary sequence)", "a temp sequence shadows too");
        Deny(Ops, "CREATE TEMP TABLE t (id int)", "temporary tables", "allow_temp_tables is off even with every statement allowed");
        Allow(Temp, "CREATE TEMP TABLE scratch (id int)", "allow_temp_tables lets the session create its own temp tables");
        Allow(Temp, "INSERT INTO pg_temp.scratch SELECT * FROM users", "and use them");
        Deny(Temp, "SELECT * FROM orders", "public.orders", "temp tables do not widen anything else");
        Allow(Reader, "DISCARD ALL", "DISCARD only resets the session");

        // PREPARE and EXECUTE.
        Allow(Reader, "PREPARE q AS SELECT * FROM users WHERE id = $1", "PREPARE of an allowed statement");
        Deny(Reader, "PREPARE q AS DELETE FROM users", "PREPARE is checked as the statement it prepares", "PREPARE of a denied statement");
        Deny(Reader, "PREPARE q AS SELECT pg_sleep(1)", "pg_sleep", "PREPARE of a denied function");
        Deny(Reader, "EXECUTE q(1)", "the proxy cannot see what the statement was prepared with", "EXECUTE needs the execute keyword");
        Allow(Worker, "EXECUTE q(1)", "the rule allows execute");
        Deny(Worker, "EXECUTE q(set_config('a', 'b', false))", "set_config", "EXECUTE's arguments are checked");
        Allow(Reader, "DEALLOCATE q", "DEALLOCATE is harmless");
        Allow(Reader, "DEALLOCATE ALL", "DEALLOCATE ALL is harmless");
        Deny(Reader, "EXPLAIN EXECUTE q(1)", "EXECUTE", "EXPLAIN of EXECUTE");

        // EXPLAIN and EXPLAIN ANALYZE.
        Allow(Reader, "EXPLAIN SELECT * FROM users", "EXPLAIN of a read");
        Allow(Reader, "EXPLAIN ANALYZE SELECT * FROM users", "EXPLAIN ANALYZE of a read");
        Deny(Reader, "EXPLAIN DELETE FROM users", "EXPLAIN is checked as the statement it explains", "plain EXPLAIN of a write");
        Deny(Reader, "EXPLAIN ANALYZE DELETE FROM users", "EXPLAIN ANALYZE runs the statement", "EXPLAIN ANALYZE executes the delete");
        Deny(Reader, "EXPLAIN (ANALYZE, BUFFERS) UPDATE users SET a = 1", "EXPLAIN ANALYZE runs the statement", "the parenthesized option form");
        Deny(Reader, "EXPLAIN (ANALYZE false) DELETE FROM users", "DELETE on table public.users", "ANALYZE false is still checked as a write");
        Deny(Reader, "EXPLAIN SELECT * FROM orders", "public.orders", "EXPLAIN of a read of another table");
        Deny(Reader, "EXPLAIN CREATE TABLE x AS SELECT * FROM users", "DDL (CREATE)", "EXPLAIN of CREATE TABLE AS");
        Deny(ReadOnly, "EXPLAIN ANALYZE INSERT INTO t VALUES (1)", "INSERT on table t", "read-only: EXPLAIN ANALYZE of a write");

        // COPY.
        Deny(Reader, "COPY users TO STDOUT", "COPY TO on table public.users", "bulk export needs copy_to");
        Allow(ReadOnly, "COPY users TO STDOUT", "read-only allows COPY TO STDOUT");
        Allow(ReadOnly, "COPY (SELECT * FROM users) TO STDOUT WITH (FORMAT csv)", "COPY of a query");
        Deny(ReadOnly, "COPY users FROM STDIN", "INSERT on table users", "COPY FROM writes");
        Deny(ReadOnly, "COPY users TO '/tmp/users.csv'", "COPY to or from a server file", "a server file");
        Deny(ReadOnly, "COPY users TO PROGRAM 'curl evil'", "it runs a shell command on the database server", "a program");
        Deny(ReadOnly, "COPY (DELETE FROM users RETURNING *) TO STDOUT", "DELETE on table users", "COPY of a data-modifying query");
        Allow(Loader, "COPY staging FROM STDIN", "copy_from on staging");
        Allow(Loader, "COPY staging FROM '/data/x.csv'", "copy_server_file is allowed by its own rule");
        Deny(Loader, "COPY staging FROM PROGRAM 'cat /etc/passwd'", "COPY … PROGRAM", "programs are not files");
        Deny(Writer, "COPY orders FROM STDIN", "COPY FROM on table public.orders", "insert does not imply copy_from");
        Allow(Ops, "COPY x FROM PROGRAM 'id'", "a rule with all statements on * allows programs");

        // MERGE.
        Deny(Writer, "MERGE INTO orders o USING (SELECT 1 AS id) s ON o.id = s.id WHEN NOT MATCHED THEN INSERT VALUES (s.id)", "MERGE on table public.orders", "MERGE needs merge");
        Allow(App, "MERGE INTO app.t USING app.s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v)", "merge, update and insert on app.*");
        Deny(App, "MERGE INTO app.t USING public.users u ON t.id = u.id WHEN MATCHED THEN DELETE", "SELECT on table public.users", "the MERGE source is read");
        Deny(ReadOnly, "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", "DELETE on table t", "MERGE … DELETE");

        // Row locks, SELECT INTO, CREATE TABLE AS, TRUNCATE, LOCK.
        Deny(Reader, "SELECT * FROM users FOR UPDATE", "LOCK (row locks or LOCK TABLE) on table public.users", "FOR UPDATE locks rows");
        Deny(Reader, "SELECT * FROM users FOR SHARE SKIP LOCKED", "LOCK", "FOR SHARE locks rows");
        Allow(Worker, "SELECT * FROM jobs FOR UPDATE SKIP LOCKED LIMIT 1", "the worker may lock jobs");
        Deny(Worker, "SELECT * FROM jobs j JOIN users u ON u.id = j.user_id FOR UPDATE OF j", "public.users", "the joined table is read (and reported locked)");
        Deny(Reader, "SELECT * INTO copy_of_users FROM users", "DDL (CREATE) on table public.copy_of_users", "SELECT INTO creates a table");
        Deny(Reader, "CREATE TABLE x AS SELECT * FROM users", "DDL (CREATE) on table public.x", "CREATE TABLE AS creates a table");
        Allow(App, "CREATE TABLE app.summary AS SELECT count(*) FROM app.t", "ddl and select on app.*");
        Deny(App, "CREATE TABLE public.leak AS SELECT * FROM app.t", "DDL (CREATE) on table public.leak", "copying data out of the schema");
        Deny(Reader, "TRUNCATE users", "TRUNCATE on table public.users", "TRUNCATE is not SELECT");
        Allow(App, "TRUNCATE app.t", "truncate on app.*");
        Deny(Reader, "LOCK TABLE users IN ACCESS EXCLUSIVE MODE", "LOCK", "LOCK TABLE");
        Allow(Worker, "LOCK TABLE jobs IN SHARE MODE", "lock on jobs");

        // DO, CALL, LOAD, SET ROLE, SET SESSION AUTHORIZATION.
        Deny(Reader, "DO $$ BEGIN PERFORM 1; END $$", "does not allow DO", "DO");
        Allow(Ops, "DO $$ BEGIN PERFORM 1; END $$", "a rule with all statements on * allows DO");
        Deny(Reader, "CALL public.enqueue(1)", "does not allow CALL", "CALL");
        Allow(Worker, "CALL public.enqueue(1)", "the rule allows call and names the procedure");
        Allow(Worker, "CALL enqueue(1)", "the unqualified procedure resolves in public");
        Deny(Worker, "CALL public.purge()", "function public.purge", "a procedure the rule does not name");
        Deny(Reader, "LOAD 'auto_explain'", "it loads a shared library into the server", "LOAD");
        Deny(Reader, "SET ROLE postgres", "does not allow SET ROLE", "SET ROLE");
        Deny(Reader, "RESET ROLE", "SET ROLE", "RESET ROLE");
        Deny(Reader, "SET LOCAL ROLE admin", "SET ROLE", "SET LOCAL ROLE");
        Deny(Reader, "SET SESSION AUTHORIZATION postgres", "SET SESSION AUTHORIZATION", "SET SESSION AUTHORIZATION");
        Allow(Ops, "SET ROLE admin", "set_role through all on *");
        Allow(Unrestricted, "SET ROLE admin", "unrestricted does whatever the role may");

        // SET, SHOW, RESET and utilities.
        Allow(Reader, "SET application_name = 'x'", "harmless setting");
        Allow(Reader, "SET TIME ZONE 'UTC'", "SET TIME ZONE is timezone");
        Allow(Reader, "SET statement_timeout = '5s'", "the session's own timeout");
        Allow(Reader, "SET LOCAL lock_timeout = 100", "SET LOCAL of a harmless setting");
        Allow(Reader, "SET \"DateStyle\" TO iso", "setting names are case-insensitive");
        Allow(Reader, "SHOW search_path", "reading a setting");
        Allow(Reader, "SHOW ALL", "reading every setting");
        Deny(Reader, "SET session_replication_role = replica", "settings.allow_set", "it disables triggers");
        Deny(Reader, "SET default_transaction_read_only = off", "settings.allow_set", "it undoes a read-only default");
        Deny(Reader, "SET app.tenant_id = '42'", "not one of the harmless settings", "custom settings drive row-level security");
        Deny(Reader, "SET client_encoding = 'LATIN1'", "the route pins it", "client_encoding");
        Deny(Reader, "SET standard_conforming_strings = off", "the route pins it", "standard_conforming_strings");
        Allow(Reader, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", "isolation is the transaction's own");
        Allow(Reader, "RESET ALL", "RESET ALL returns to the pinned startup values");
        Deny(Reader, "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE", "session characteristics", "a session-wide read-write default");
        Deny(Reader, "ALTER SYSTEM SET work_mem = '1GB'", "utility statements (AlterSystemStmt)", "ALTER SYSTEM changes the server");
        Allow(Reader, "SET CONSTRAINTS ALL DEFERRED", "constraint timing is the transaction's own");
        Deny(Reader, "CHECKPOINT", "utility statements (CheckPointStmt)", "CHECKPOINT");
        Deny(ReadOnly, "LISTEN ch", "does not allow LISTEN", "LISTEN needs listen");
        Allow(Worker, "LISTEN jobs", "listen is allowed");
        Allow(Worker, "NOTIFY jobs, 'x'", "notify is allowed");
        Deny(Reader, "NOTIFY ch", "does not allow NOTIFY", "NOTIFY needs notify");
        Allow(ReadOnly, "UNLISTEN *", "UNLISTEN is harmless");
        Allow(ReadOnly, "DECLARE c CURSOR FOR SELECT * FROM t", "a cursor over a read");
        Deny(ReadOnly, "DECLARE c CURSOR FOR SELECT * FROM t FOR UPDATE", "DECLARE CURSOR is checked as its query", "a cursor that locks");
        Allow(ReadOnly, "FETCH 10 FROM c", "FETCH");
        Allow(ReadOnly, "CLOSE c", "CLOSE");

        // Garbage and unterminated input.
        Deny(Reader, "SELECT 'abc", "unterminated quoted string", "an unterminated string");
        Deny(Reader, "/* unterminated", "unterminated /* comment", "an unterminated comment");
        Deny(Reader, "SELEC * FROM users", "syntax error", "a misspelt keyword");
        Deny(Reader, "SELECT * FROM users WHERE", "syntax error", "a truncated statement");
        Deny(Reader, "\"unterminated", "unterminated quoted identifier", "an unterminated identifier");
        Deny(Reader, "SELECT $$abc", "unterminated dollar-quoted string", "an unterminated dollar quote");
        Deny(Reader, "SELECT 1\0; DELETE FROM users", "NUL", "a NUL would hide the rest from the C parser");
        Deny(Reader, ")))", "syntax error", "garbage");

        // Empty queries: nothing runs.
        cases.Add(Reader, string.Empty, true, "nothing runs", "an empty query");
        cases.Add(Reader, "   \n\t", true, "nothing runs", "whitespace");
        cases.Add(Reader, "-- just a comment", true, "nothing runs", "a comment");
        cases.Add(Reader, "/* a comment */", true, "nothing runs", "a block comment");
        cases.Add(Reader, ";", true, "nothing runs", "a lone semicolon");

        // DDL and maintenance.
        Deny(Reader, "DROP TABLE users", "DDL (DROP) on table public.users", "DROP");
        Deny(Reader, "CREATE ROLE evil SUPERUSER", "DDL (CreateRoleStmt) on the whole database", "CREATE ROLE");
        Deny(Reader, "GRANT SELECT ON orders TO PUBLIC", "DDL (ALTER) on table public.orders", "GRANT");
        Allow(App, "CREATE INDEX ON app.t (lower(name))", "ddl on app.*");
        Deny(App, "CREATE ROLE x", "on the whole database", "ddl on app.* is not ddl on the database");
        Deny(App, "CREATE FUNCTION app.f() RETURNS int LANGUAGE sql AS 'select 1'", "DDL (CreateFunctionStmt) on the whole database", "functions are not tables");
        Allow(App, "ALTER TABLE app.t RENAME TO t2", "renaming within the schema");
        Deny(App, "ALTER TABLE app.t SET SCHEMA public", "DDL (AlterObjectSchemaStmt) on the whole database", "moving a table out of the schema");
        Deny(App, "DROP TABLE app.t, public.users", "DDL (DROP) on table public.users", "one of the dropped tables is outside");
        Deny(App, "CREATE SCHEMA evil", "on the whole database", "CREATE SCHEMA");
        Deny(App, "GRANT ALL ON ALL TABLES IN SCHEMA app TO PUBLIC", "on the whole database", "GRANT … IN SCHEMA names no table");
        Deny(App, "CREATE VIEW app.v AS SELECT * FROM public.users", "SELECT on table public.users", "a view over a table outside");
        Deny(ReadOnly, "CREATE EXTENSION dblink", "DDL (CreateExtensionStmt)", "CREATE EXTENSION");
        Deny(ReadOnly, "VACUUM", "maintenance", "VACUUM of the database");
        Deny(App, "VACUUM app.t", "maintenance", "maintain is not in app-owner");
        Allow(Ops, "VACUUM ANALYZE", "maintain through all on *");
        Deny(ReadOnly, "REFRESH MATERIALIZED VIEW mv", "maintenance", "REFRESH");

        // Catalog reads.
        Allow(Reader, "SELECT * FROM pg_class", "drivers read the catalog");
        Allow(Reader, "SELECT ns.nspname, t.oid, t.typname FROM pg_type AS t JOIN pg_namespace AS ns ON ns.oid = t.typnamespace LEFT JOIN pg_proc AS p ON p.oid = t.typreceive LEFT JOIN pg_range ON pg_range.rngtypid = t.oid", "Npgsql's type loading");
        Allow(Reader, "SELECT version();\nSELECT pg_type.oid, enumlabel FROM pg_enum JOIN pg_type ON pg_type.oid = enumtypid ORDER BY oid", "Npgsql's batch");
        Allow(Reader, "SELECT * FROM information_schema.tables", "information_schema");
        Deny(Reader, "SELECT * FROM pg_foo", "public.pg_foo", "a pg_ name that is not a catalog may be a user table");
        Deny(NoCatalog, "SELECT * FROM pg_class", "pg_catalog.pg_class", "catalog reads can be turned off");
        Deny(Reader, "SELECT * FROM pg_class FOR UPDATE", "LOCK", "catalog reads are reads only");
        Deny(Reader, "DELETE FROM pg_catalog.pg_class", "DELETE on table pg_catalog.pg_class", "catalog writes");

        // The unrestricted policy.
        Allow(Unrestricted, "DROP TABLE users", "unrestricted: DDL");
        Allow(Unrestricted, "DO $$ BEGIN PERFORM 1; END $$", "unrestricted: DO");
        Allow(Unrestricted, "SELECT pg_sleep(0), set_config('a.b', 'c', false)", "unrestricted: no function checks");
        Allow(Unrestricted, "COPY x TO PROGRAM 'y'", "unrestricted: COPY PROGRAM");
        Allow(Unrestricted, "CREATE TEMP TABLE users (id int)", "unrestricted: temp tables");
        Deny(Unrestricted, "SELECT 'abc", "unterminated quoted string", "unrestricted still needs a query it can read");

        return cases;
    }
}
