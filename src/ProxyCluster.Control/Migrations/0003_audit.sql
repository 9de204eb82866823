-- The audit trail: one row per session event or statement, as the nodes' audit pipelines deliver them (binary COPY,
-- batched). Rows are never updated. A record never holds a secret: token ids, not tokens; queries only as
-- libpg_query normalized them. The text columns hold the audit JSON format's names, and the CHECKs pin them so that
-- a new value needs a migration, which an older node (that could not read it) refuses to run against.
CREATE TABLE {schema}.audit_records (
    id               bigserial PRIMARY KEY,
    at               timestamptz NOT NULL,
    node_id          text NOT NULL,
    session_id       text NOT NULL,
    type             text NOT NULL CHECK (type IN ('session', 'statement')),
    event            text CHECK (event IN ('connected', 'authenticated', 'refused', 'terminated')),
    token_id         text,
    principal        text,
    auth_method      text CHECK (auth_method IN ('scram', 'scram-plus', 'cleartext', 'certificate', 'jwt')),
    client_address   text,
    database         text,
    statement_kinds  text[],
    relations        jsonb CHECK (relations IS NULL OR jsonb_typeof(relations) = 'array'), -- [{name, access}]
    decision         text CHECK (decision IN ('allow', 'deny')),
    rule             text,
    reason           text,
    duration_us      bigint,
    rows             bigint,
    sqlstate         text,
    normalized_query text,
    fingerprint      text
);

-- Time-range searches, and "everything this token did" (newest first).
CREATE INDEX audit_records_at ON {schema}.audit_records (at);
CREATE INDEX audit_records_token_at ON {schema}.audit_records (token_id, at);

-- The keys a "by table" search looks up, lower-cased: each relation's name as recorded, plus, for a qualified name
-- ('sales.orders'), its bare table ('orders') so a bare search finds it in any schema, and, for a name the statement
-- left unqualified ('orders'), '.orders' so a qualified search finds it too (its schema came from the route's
-- search_path, which the record does not hold). IMMUTABLE because it reads nothing but its argument.
CREATE FUNCTION {schema}.audit_relation_keys(relations jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT coalesce(array_agg(DISTINCT k.key), '{}'::text[])
    FROM pg_catalog.jsonb_array_elements(relations) AS r(relation)
    CROSS JOIN LATERAL (VALUES
        (pg_catalog.lower(r.relation ->> 'name')),
        (CASE WHEN pg_catalog.strpos(r.relation ->> 'name', '.') > 0
              THEN pg_catalog.lower(pg_catalog.substring(r.relation ->> 'name', '[^.]*$'))
              ELSE '.' || pg_catalog.lower(r.relation ->> 'name') END)) AS k(key)
    WHERE k.key IS NOT NULL
$$;

CREATE INDEX audit_records_relation_keys ON {schema}.audit_records USING gin ({schema}.audit_relation_keys(relations));
