-- The risk decision log made cheap to write (issue 23, docs/risk-profile.md items 1 and 9).

-- The trace arrives from the engine as JSON text in its reference format ({"$refs": [...],
-- "$root": {...}}) and is read rarely (a staff member's look at a decision, replay, review), by
-- code that parses it (decodeTrace). Stored as jsonb, every decision paid for PostgreSQL parsing it
-- into jsonb; as text it is stored as it arrives. Existing rows keep their trace as jsonb's text.
alter table risk_decisions alter column trace type text using trace::text;

-- lz4 compresses the large trace and input values several times faster than the default pglz. It
-- exists only where PostgreSQL was built with it (the server, usually; not PGlite): elsewhere the
-- columns keep the default. Only values written from now on use it; existing ones stay as they are.
do $$
begin
  if exists (select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any (enumvals)) then
    alter table risk_decisions alter column trace set compression lz4, alter column input set compression lz4;
  end if;
end
$$;
