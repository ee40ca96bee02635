-- FerretDB v1 pushes a MongoDB equality filter down to PostgreSQL as
--   _jsonb -> 'field' @> '"value"'
-- but the indexes it creates are btree indexes on (_jsonb -> 'field'), which `@>` cannot use,
-- so every query, even by _id, scans the whole table. This event trigger gives each index
-- FerretDB creates a GIN (jsonb_path_ops) twin on the same expressions, which `@>` does use
-- (with plan_cache_mode = force_custom_plan, so the field name is a constant when planning).
-- Semantics are unchanged: FerretDB still applies the whole filter to what SQL returns.

CREATE OR REPLACE FUNCTION hromada_mirror_index_as_gin() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
    command record;
    index_row record;
    columns text;
    twin text;
BEGIN
    FOR command IN
        SELECT objid FROM pg_event_trigger_ddl_commands()
        WHERE command_tag = 'CREATE INDEX' AND object_type = 'index'
    LOOP
        SELECT i.indexrelid, i.indrelid, c.relname AS index_name, n.nspname AS schema_name,
               t.relname AS table_name, am.amname AS method, i.indnatts
          INTO index_row
          FROM pg_index i
          JOIN pg_class c ON c.oid = i.indexrelid
          JOIN pg_class t ON t.oid = i.indrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_am am ON am.oid = c.relam
         WHERE i.indexrelid = command.objid;
        CONTINUE WHEN index_row IS NULL OR index_row.method <> 'btree';
        CONTINUE WHEN index_row.schema_name IN ('pg_catalog', 'information_schema', 'public');
        SELECT string_agg(pg_get_indexdef(index_row.indexrelid, k, true) || ' jsonb_path_ops', ', '
                          ORDER BY k)
          INTO columns
          FROM generate_series(1, index_row.indnatts) AS k
         WHERE pg_get_indexdef(index_row.indexrelid, k, true) LIKE '(_jsonb -> %';
        CONTINUE WHEN columns IS NULL;
        twin := left(index_row.index_name, 56) || '_gin';
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin (%s)',
                       twin, index_row.schema_name, index_row.table_name, columns);
    END LOOP;
END;
$$;

DROP EVENT TRIGGER IF EXISTS hromada_mirror_index_as_gin;
CREATE EVENT TRIGGER hromada_mirror_index_as_gin ON ddl_command_end
    WHEN TAG IN ('CREATE INDEX')
    EXECUTE FUNCTION hromada_mirror_index_as_gin();

-- Indexes made before this trigger existed get their twins now.
DO $$
DECLARE
    index_row record;
    columns text;
BEGIN
    FOR index_row IN
        SELECT i.indexrelid, c.relname AS index_name, n.nspname AS schema_name,
               t.relname AS table_name, i.indnatts
          FROM pg_index i
          JOIN pg_class c ON c.oid = i.indexrelid
          JOIN pg_class t ON t.oid = i.indrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_am am ON am.oid = c.relam
         WHERE am.amname = 'btree'
           AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'public', 'pg_toast')
    LOOP
        SELECT string_agg(pg_get_indexdef(index_row.indexrelid, k, true) || ' jsonb_path_ops', ', '
                          ORDER BY k)
          INTO columns
          FROM generate_series(1, index_row.indnatts) AS k
         WHERE pg_get_indexdef(index_row.indexrelid, k, true) LIKE '(_jsonb -> %';
        CONTINUE WHEN columns IS NULL;
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin (%s)',
                       left(index_row.index_name, 56) || '_gin', index_row.schema_name,
                       index_row.table_name, columns);
    END LOOP;
END;
$$;
