-- The version people see (the API's `version`, ETag, If-Match): how many events a person or a partner made
-- (and the one that created the incident, whoever recorded it).
-- Existing incidents get it from their event log, and their cached snapshot gets the same field.
ALTER TABLE `incidents` ADD `person_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE `incidents` SET `person_version` = (
  SELECT count(*) FROM `incident_events` e
  WHERE e.`incident_id` = `incidents`.`id` AND (e.`actor_role` <> 'system' OR e.`seq` = 1)
);--> statement-breakpoint
UPDATE `incidents` SET `snapshot` = json_set(`snapshot`, '$.personVersion', `person_version`)
WHERE `snapshot` IS NOT NULL;
