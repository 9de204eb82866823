-- The token journal: every change to a token is an event; a token's state is the fold of its events.
-- {schema} is replaced by the configured schema as a quoted identifier.
CREATE TABLE {schema}.token_events (
    ordering   bigserial PRIMARY KEY,
    token_id   text NOT NULL,
    seq        int NOT NULL CHECK (seq > 0),
    event_type text NOT NULL CHECK (event_type IN ('issued', 'rotated', 'revoked', 'expired', 'policy-changed')),
    payload    jsonb NOT NULL,
    at         timestamptz NOT NULL DEFAULT now(),
    actor      text NOT NULL,
    reason     text,
    -- Also the index the writer reads a token's history through.
    UNIQUE (token_id, seq)
);
