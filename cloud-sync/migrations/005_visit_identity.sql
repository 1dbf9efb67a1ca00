-- The visit id is a visit's identity whatever its times: ingest looks a visit up by (device, visit id)
-- to replace a row whose arrival moved, instead of filing a second row under the new arrival; a forget
-- item renames a person's visits by (device, person id).
create index if not exists visits_device_visit_idx on visits(device_id, visit_id);
create index if not exists visits_device_person_idx on visits(device_id, person_id);
