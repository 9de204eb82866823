-- Cluster membership: each node upserts its row at start and heartbeats it.
CREATE TABLE {schema}.nodes (
    node_id            text PRIMARY KEY,
    ordinal            int NOT NULL,
    postgres_addresses text[] NOT NULL,
    admin_url          text,
    version            text NOT NULL,
    started_at         timestamptz NOT NULL,
    last_heartbeat     timestamptz NOT NULL,
    stopped_at         timestamptz,
    journal_position   bigint NOT NULL DEFAULT 0
);
