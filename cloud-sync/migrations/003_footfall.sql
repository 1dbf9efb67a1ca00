-- Footfall (people counted by their bodies, face or not): one row per device and hour with the
-- figures as counted so far. Devices send absolute figures, so the greatest value of each column
-- wins and replays or out-of-order items change nothing.
create table footfall_hours (
  device_id text not null references devices(id) on delete cascade,
  site_id text not null references sites(id) on delete cascade,
  hour timestamptz not null,
  entries integer not null check (entries >= 0),
  exits integer not null check (exits >= 0),
  captured integer not null check (captured >= 0),
  received_at timestamptz not null default now(),
  primary key (device_id, hour)
);
create index footfall_hours_site_hour on footfall_hours (site_id, hour);
