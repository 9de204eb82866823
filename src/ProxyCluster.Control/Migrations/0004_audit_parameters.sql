-- Bound parameter values of executed prepared statements, recorded only for routes that ask for them
-- ([{value, format?, truncated?}], as in the JSON-lines format); NULL for every other record.
ALTER TABLE {schema}.audit_records
    ADD COLUMN parameters jsonb CHECK (parameters IS NULL OR jsonb_typeof(parameters) = 'array');
