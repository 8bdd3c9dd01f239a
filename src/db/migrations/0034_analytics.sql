-- Operations analytics (issue 19, src/analytics): the day's facts, written by the day-close step
-- analytics.daily (or by `netfin analytics backfill`), read by the dashboards. A page reads these
-- tables only: it never scans the events they were counted from.

-- One figure of one business date: a count, an amount in minor units, a ratio or a number of days,
-- by metric and dimension ("grade=A;term=12", keys sorted; '' for the whole). The metric's unit is
-- stated once, in src/analytics/metrics.ts. Written again for the same date and area, an area's
-- rows replace themselves.
create table analytics_facts (
  metric text not null,
  business_date date not null,
  dimension text not null default '',
  area text not null,
  value numeric not null,
  primary key (metric, business_date, dimension)
);
create index analytics_facts_area on analytics_facts (area, business_date);

-- Which areas of which dates are computed, and by what: the day-close, or a backfill (which
-- resumes from here after an interruption).
create table analytics_days (
  business_date date not null,
  area text not null,
  source text not null check (source in ('day_close', 'backfill')),
  computed_at timestamptz not null,
  facts integer not null,
  primary key (business_date, area)
);
