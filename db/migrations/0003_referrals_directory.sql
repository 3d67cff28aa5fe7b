CREATE TABLE `agencies` (
	`code` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`type` text NOT NULL,
	`organization` text,
	`email` text,
	`phone` text,
	`hours` text,
	`districts` text NOT NULL,
	`escalation_contacts` text NOT NULL,
	`contacts` text NOT NULL,
	`free_text_allowed` integer NOT NULL,
	`active` integer NOT NULL,
	`source` text NOT NULL,
	`oruk_service_id` text,
	`notes` text,
	`version` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agencies_oruk_service_id_unique` ON `agencies` (`oruk_service_id`);--> statement-breakpoint
CREATE INDEX `agencies_type` ON `agencies` (`type`,`active`);--> statement-breakpoint
CREATE TABLE `agency_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agency_code` text NOT NULL,
	`version` integer NOT NULL,
	`change` text NOT NULL,
	`actor_id` text NOT NULL,
	`at` text NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `agency_changes_agency` ON `agency_changes` (`agency_code`,`version`);--> statement-breakpoint
CREATE TABLE `referral_escalations` (
	`incident_id` text NOT NULL,
	`referral_id` text NOT NULL,
	`level` integer NOT NULL,
	`label` text NOT NULL,
	`notify` text NOT NULL,
	`reason` text NOT NULL,
	`opened_at` text NOT NULL,
	`opened_by` text NOT NULL,
	`escalated_by_name` text,
	`escalated_by_rank` text,
	`partner_contact` text,
	`note` text,
	`closed_at` text,
	`outcome` text,
	`closed_by` text,
	PRIMARY KEY(`incident_id`, `referral_id`, `level`)
);
--> statement-breakpoint
ALTER TABLE `outbox` ADD `correlation` text;--> statement-breakpoint
CREATE INDEX `outbox_incident` ON `outbox` (`incident_id`,`kind`);--> statement-breakpoint
ALTER TABLE `referrals` ADD `state` text;--> statement-breakpoint
ALTER TABLE `referrals` ADD `agency_label` text;--> statement-breakpoint
ALTER TABLE `referrals` ADD `agency_type` text;--> statement-breakpoint
ALTER TABLE `referrals` ADD `delivery` text;--> statement-breakpoint
ALTER TABLE `referrals` ADD `recipient` text;--> statement-breakpoint
ALTER TABLE `referrals` ADD `named_contact` text;--> statement-breakpoint
ALTER TABLE `referrals` ADD `made_by` text;--> statement-breakpoint
ALTER TABLE `referrals` ADD `sent_at` text;--> statement-breakpoint
ALTER TABLE `referrals` ADD `acknowledged_at` text;--> statement-breakpoint
ALTER TABLE `referrals` ADD `answered_via` text;--> statement-breakpoint
ALTER TABLE `referrals` ADD `reason` text;--> statement-breakpoint
ALTER TABLE `referrals` ADD `no_response_at` text;--> statement-breakpoint
ALTER TABLE `referrals` ADD `no_response_cause` text;--> statement-breakpoint
ALTER TABLE `referrals` ADD `escalation_level` integer;--> statement-breakpoint
ALTER TABLE `referrals` ADD `resolved_at` text;--> statement-breakpoint
ALTER TABLE `referrals` ADD `resolution` text;--> statement-breakpoint
ALTER TABLE `referrals` ADD `withdrawn_at` text;--> statement-breakpoint
ALTER TABLE `referrals` ADD `caller_informed_at` text;--> statement-breakpoint
ALTER TABLE `referrals` ADD `caller_told_who_will_attend` text;--> statement-breakpoint
CREATE INDEX `referrals_made` ON `referrals` (`made_at`);