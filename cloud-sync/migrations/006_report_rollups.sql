-- Every report but the hourly series and staff attendance answers from `site_daily` (one row per site and
-- local day), still exact: the refresher recomputes a day's row from the raw visits whenever ingest marks it.
-- New per-day figures:
--   unidentified_visits  visits the box could not identify
--   dwell_histogram      closed customer visits per fine dwell bin (cloud-sync/src/reports/dwell-bins.ts)
--   arrivals_by_hour     customer arrivals per local hour, [1] = 00:00-01:00 … [24]
--   demographics         customer visits per age band × gender, [band * 3 + gender + 1] (band 0-6, 7 unknown;
--                        gender 0 male, 1 female, 2 unknown)
--   fresh_customers      [k] = customers of that day without a visit to the site in the k - 1 days before;
--                        [1] is the day's unique customers. Unique customers over days from..to are exactly
--                        the sum over its days d of fresh_customers[d - from + 1] (each person counts on their
--                        first day in the range). Trailing equal values are left out: past the end, read the
--                        last element.
alter table site_daily add column unidentified_visits integer not null default 0;
alter table site_daily add column dwell_histogram integer[] not null default '{}';
alter table site_daily add column arrivals_by_hour integer[] not null default '{}';
alter table site_daily add column demographics integer[] not null default '{}';
alter table site_daily add column fresh_customers integer[] not null default '{}';
-- The customers seen per site and local day, with the day of their previous visit to the site: what
-- fresh_customers is computed from, kept up to date by the refresher (late, re-sent, changed and forgotten visits).
create table site_person_days (
  site_id text not null,
  person_id text not null,
  day date not null,
  prev_day date,
  primary key (site_id, person_id, day)
);
create index site_person_days_site_day_idx on site_person_days(site_id, day);
-- Counts of each value 1..len in xs (len null: up to the greatest value).
create function cva_histogram(xs integer[], len integer) returns integer[] language sql immutable as $$
  select coalesce(array_agg(coalesce(h.n, 0) order by i), '{}'::integer[])
  from generate_series(1, coalesce(len, (select max(x) from unnest(xs) x))) i
  left join (select x, count(*)::int as n from unnest(xs) x group by x) h on h.x = i
$$;
-- [i] = xs[i] + xs[i + 1] + … (fresh_customers from counts per gap).
create function cva_suffix_sums(xs integer[]) returns integer[] language sql immutable as $$
  select coalesce(array_agg(s::int order by k), '{}'::integer[])
  from (select k, sum(c) over (order by k desc) as s from unnest(xs) with ordinality h(c, k)) x
$$;
-- Rows made before this migration lack the new figures: every stored day is recomputed by the next refresh.
insert into rollup_dirty(site_id, day) select site_id, day from site_daily on conflict do nothing;
