CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`incident_id` text NOT NULL,
	`rule` text NOT NULL,
	`severity` text NOT NULL,
	`message` text NOT NULL,
	`notify` text,
	`raised_at` text NOT NULL,
	`event_seq` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alerts_raised` ON `alerts` (`raised_at`);--> statement-breakpoint
CREATE INDEX `alerts_incident` ON `alerts` (`incident_id`);--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` text NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_token_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `api_tokens_user` ON `api_tokens` (`user_id`);--> statement-breakpoint
CREATE TABLE `deadlines` (
	`incident_id` text NOT NULL,
	`key` text NOT NULL,
	`rule` text NOT NULL,
	`kind` text NOT NULL,
	`due_at` text NOT NULL,
	`status` text NOT NULL,
	PRIMARY KEY(`incident_id`, `key`)
);
--> statement-breakpoint
CREATE INDEX `deadlines_due` ON `deadlines` (`status`,`due_at`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`actor_id` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`status` integer NOT NULL,
	`body` text NOT NULL,
	`etag` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`actor_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `incident_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident_id` text NOT NULL,
	`seq` integer NOT NULL,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	`actor_id` text NOT NULL,
	`actor_role` text NOT NULL,
	`occurred_at` text NOT NULL,
	`recorded_at` text NOT NULL,
	`machine_version` text NOT NULL,
	`idempotency_key` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `incident_events_stream` ON `incident_events` (`incident_id`,`seq`);--> statement-breakpoint
CREATE INDEX `incident_events_type` ON `incident_events` (`type`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `incident_person_keys` (
	`person_key` text NOT NULL,
	`incident_id` text NOT NULL,
	PRIMARY KEY(`person_key`, `incident_id`)
);
--> statement-breakpoint
CREATE INDEX `incident_person_keys_incident` ON `incident_person_keys` (`incident_id`);--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` text PRIMARY KEY NOT NULL,
	`reference` text,
	`version` integer NOT NULL,
	`state` text NOT NULL,
	`status` text NOT NULL,
	`snapshot` text NOT NULL,
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
CREATE UNIQUE INDEX `incidents_reference_unique` ON `incidents` (`reference`);--> statement-breakpoint
CREATE INDEX `incidents_received` ON `incidents` (`received_at`,`id`);--> statement-breakpoint
CREATE INDEX `incidents_state` ON `incidents` (`state`,`received_at`);--> statement-breakpoint
CREATE INDEX `incidents_category` ON `incidents` (`category`,`received_at`);--> statement-breakpoint
CREATE INDEX `incidents_grade` ON `incidents` (`grade`,`received_at`);--> statement-breakpoint
CREATE INDEX `incidents_no_deploy` ON `incidents` (`no_deploy_at`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dedupe_key` text NOT NULL,
	`kind` text NOT NULL,
	`incident_id` text,
	`recipient` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text NOT NULL,
	`last_error` text,
	`message_id` text NOT NULL,
	`created_at` text NOT NULL,
	`sent_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_dedupe_key_unique` ON `outbox` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `outbox_due` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `referrals` (
	`id` text NOT NULL,
	`incident_id` text NOT NULL,
	`agency` text NOT NULL,
	`contact_method` text NOT NULL,
	`status` text NOT NULL,
	`made_at` text NOT NULL,
	`answered_at` text,
	`answer` text,
	PRIMARY KEY(`incident_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `referrals_agency` ON `referrals` (`agency`,`made_at`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`created_at` text NOT NULL,
	`disabled_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_name_unique` ON `users` (`name`);