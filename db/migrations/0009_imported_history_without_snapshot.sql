PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_incidents` (
	`id` text PRIMARY KEY NOT NULL,
	`reference` text,
	`version` integer NOT NULL,
	`state` text NOT NULL,
	`status` text NOT NULL,
	`snapshot` text,
	`channel` text NOT NULL,
	`category` text NOT NULL,
	`grade` text,
	`rcrp_decision` text,
	`district` text,
	`location_class` text,
	`received_at` text NOT NULL,
	`first_dispatched_at` text,
	`no_deploy_at` text,
	`closed_at` text,
	`mh_flag_at_call` integer NOT NULL,
	`mh_flag_at_close` integer,
	`person_key` text,
	`age_band` text,
	`gender` text,
	`ethnicity` text,
	`repeat_contact` integer NOT NULL,
	`thrive_version` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_incidents`("id", "reference", "version", "state", "status", "snapshot", "channel", "category", "grade", "rcrp_decision", "district", "location_class", "received_at", "first_dispatched_at", "no_deploy_at", "closed_at", "mh_flag_at_call", "mh_flag_at_close", "person_key", "age_band", "gender", "ethnicity", "repeat_contact", "thrive_version", "created_at", "updated_at") SELECT "id", "reference", "version", "state", "status", "snapshot", "channel", "category", "grade", "rcrp_decision", "district", "location_class", "received_at", "first_dispatched_at", "no_deploy_at", "closed_at", "mh_flag_at_call", "mh_flag_at_close", "person_key", "age_band", "gender", "ethnicity", "repeat_contact", "thrive_version", "created_at", "updated_at" FROM `incidents`;--> statement-breakpoint
DROP TABLE `incidents`;--> statement-breakpoint
ALTER TABLE `__new_incidents` RENAME TO `incidents`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `incidents_reference_unique` ON `incidents` (`reference`);--> statement-breakpoint
CREATE INDEX `incidents_received` ON `incidents` (`received_at`,`id`);--> statement-breakpoint
CREATE INDEX `incidents_state` ON `incidents` (`state`,`received_at`);--> statement-breakpoint
CREATE INDEX `incidents_category` ON `incidents` (`category`,`received_at`);--> statement-breakpoint
CREATE INDEX `incidents_grade` ON `incidents` (`grade`,`received_at`);--> statement-breakpoint
CREATE INDEX `incidents_no_deploy` ON `incidents` (`no_deploy_at`);