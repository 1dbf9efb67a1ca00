-- HQ's web page: people sign in with a password (cookie sessions), invites, disabling; sites get a
-- region and a rename stamp; claim codes can be revoked; alert rules, events and webhook deliveries;
-- staff display names a box chose to share.

-- API tokens become optional: a person invited through the page signs in with a password only.
alter table users alter column token_hash drop not null;
alter table users add column password_hash text;
alter table users add column disabled_at timestamptz;
alter table users add column failed_logins integer not null default 0;
alter table users add column lockouts integer not null default 0;
alter table users add column locked_until timestamptz;
-- sha256 of a one-time invite code (set your password); shown once to the admin who invited.
alter table users add column invite_hash text unique;
alter table users add column invite_expires_at timestamptz;
alter table users add column last_sign_in_at timestamptz;

-- Cookie sessions live in the database so every instance knows them; only sha256(session id) is kept.
create table user_sessions (
  id_hash text primary key,
  user_id text not null references users(id) on delete cascade,
  csrf_token text not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);
create index user_sessions_user_idx on user_sessions(user_id);

-- One-time set-up codes printed by instances that started on an empty database (sha256 only).
create table setup_codes (
  code_hash text primary key,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);

alter table sites add column region text;
-- When the name last changed, wherever that was (HQ or a box): the later rename wins.
alter table sites add column name_changed_at timestamptz not null default now();

alter table claim_codes add column revoked_at timestamptz;

alter table organisations add column webhook_url text;
-- HMAC-SHA256 key for webhook signatures; created with the organisation, rotatable.
alter table organisations add column webhook_secret text;

create table alert_rules (
  id text primary key,
  org_id text not null references organisations(id) on delete cascade,
  kind text not null check (kind in ('device_offline', 'camera_down', 'backlog_above', 'disk_above')),
  -- minutes for device_offline/camera_down, items for backlog_above, percent for disk_above
  threshold double precision not null,
  enabled boolean not null default true,
  created_at timestamptz not null default now()
);
create index alert_rules_org_idx on alert_rules(org_id);

-- One row per firing; at most one open firing per rule and subject (the partial unique index), so
-- instances evaluating at the same time cannot fire twice.
create table alert_events (
  id text primary key,
  org_id text not null references organisations(id) on delete cascade,
  rule_id text not null references alert_rules(id) on delete cascade,
  kind text not null,
  subject text not null,
  site_id text references sites(id) on delete cascade,
  device_id text references devices(id) on delete cascade,
  camera_id text,
  message text not null,
  value double precision,
  fired_at timestamptz not null default now(),
  resolved_at timestamptz
);
create unique index alert_events_open_idx on alert_events(rule_id, subject) where resolved_at is null;
create index alert_events_org_fired_idx on alert_events(org_id, fired_at desc);

-- Webhook deliveries: claimed with a lease (FOR UPDATE SKIP LOCKED) so one instance sends each.
create table alert_deliveries (
  id text primary key,
  event_id text not null references alert_events(id) on delete cascade,
  org_id text not null references organisations(id) on delete cascade,
  transition text not null check (transition in ('fired', 'resolved')),
  url text not null,
  body text not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  lease_until timestamptz,
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz not null default now()
);
create index alert_deliveries_due_idx on alert_deliveries(next_attempt_at) where status = 'pending';
create index alert_deliveries_event_idx on alert_deliveries(event_id);

-- Staff display names, only from boxes whose owner chose to share them (replaced wholesale per site).
create table staff_names (
  site_id text not null references sites(id) on delete cascade,
  person_id text not null,
  display_name text not null,
  updated_at timestamptz not null default now(),
  primary key (site_id, person_id)
);

create index heartbeats_device_at_idx on heartbeats(device_id, at);

-- When the device's last visit upload arrived (service clock), for the fleet page.
alter table devices add column last_visit_at timestamptz;
