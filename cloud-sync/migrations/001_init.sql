-- cloud-sync schema. Ids are short random text ids made by the service (org_…, site_…, usr_…, dev_…).

create table organisations (
  id text primary key,
  name text not null,
  created_at timestamptz not null default now()
);

create table sites (
  id text primary key,
  org_id text not null references organisations(id) on delete cascade,
  name text not null,
  -- IANA zone; every report buckets this site's rows in it.
  timezone text not null,
  created_at timestamptz not null default now()
);
create index sites_org_idx on sites(org_id);

create table users (
  id text primary key,
  org_id text not null references organisations(id) on delete cascade,
  email text not null,
  role text not null check (role in ('org_admin', 'analyst', 'regional_manager')),
  -- sha256 of the bearer token; the token itself is shown once and never stored.
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create unique index users_org_email_idx on users(org_id, lower(email));

-- Regional managers see only the sites listed here.
create table user_sites (
  user_id text not null references users(id) on delete cascade,
  site_id text not null references sites(id) on delete cascade,
  primary key (user_id, site_id)
);

create table claim_codes (
  code text primary key,
  site_id text not null references sites(id) on delete cascade,
  created_by text references users(id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  used_by_device text
);

create table devices (
  id text primary key,
  site_id text not null references sites(id) on delete cascade,
  name text not null,
  balena_uuid text,
  token_hash text not null unique,
  claim_code text,
  claimed_at timestamptz not null default now(),
  revoked_at timestamptz,
  last_seen_at timestamptz,
  last_heartbeat_at timestamptz,
  versions jsonb,
  last_heartbeat jsonb
);
create index devices_site_idx on devices(site_id);

-- One row per visit (latest state wins), partitioned by month of arrival; partitions are created on demand.
create table visits (
  device_id text not null,
  visit_id text not null,
  site_id text not null,
  person_id text not null,
  kind text not null,
  arrived_at timestamptz not null,
  last_seen_at timestamptz not null,
  departed_at timestamptz,
  dwell_seconds double precision not null,
  cameras text[] not null,
  detections integer not null,
  age_median real,
  gender text,
  demo_samples integer not null,
  visit_number integer not null,
  is_returning boolean not null,
  status text not null,
  -- open = 0, closed = 1: part of the monotonic version that makes replays and reordering harmless.
  status_rank smallint not null,
  last_item_key text not null,
  received_at timestamptz not null default now(),
  primary key (device_id, visit_id, arrived_at)
) partition by range (arrived_at);
create index visits_site_arrived_idx on visits(site_id, arrived_at) include (kind, person_id, is_returning, dwell_seconds, status);

create table heartbeats (
  device_id text not null,
  item_key text not null,
  at timestamptz not null,
  payload jsonb not null,
  received_at timestamptz not null default now(),
  primary key (device_id, item_key)
);
create index heartbeats_at_idx on heartbeats(at);

create table camera_status (
  device_id text not null,
  camera_id text not null,
  at timestamptz not null,
  state text not null,
  payload jsonb not null,
  primary key (device_id, camera_id)
);

-- Per site and local day, recomputed from raw visits for the days ingest marked dirty.
create table site_daily (
  site_id text not null,
  day date not null,
  visits integer not null,
  customer_visits integer not null,
  staff_visits integer not null,
  unique_customers integer not null,
  new_customers integer not null,
  returning_customers integer not null,
  dwell_sum double precision not null,
  dwell_count integer not null,
  primary key (site_id, day)
);
create index site_daily_day_idx on site_daily(day);

create table rollup_dirty (
  site_id text not null,
  day date not null,
  primary key (site_id, day)
);
