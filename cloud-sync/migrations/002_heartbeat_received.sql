-- Online/offline is judged on the service's clock (when the last heartbeat ARRIVED): appliances
-- without a real-time clock can be wrong about the time until NTP answers. The device's own stamp of
-- its newest heartbeat is kept apart to pick the latest payload.
alter table devices add column last_heartbeat_device_at timestamptz;
update devices set last_heartbeat_device_at = last_heartbeat_at;
