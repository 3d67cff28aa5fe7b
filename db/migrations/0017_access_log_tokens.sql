CREATE TABLE `access_audit_records` (
	`audit_id` integer NOT NULL,
	`record_type` text NOT NULL,
	`record_id` text NOT NULL,
	PRIMARY KEY(`audit_id`, `record_type`, `record_id`),
	FOREIGN KEY (`audit_id`) REFERENCES `access_audit`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `access_audit_records_record` ON `access_audit_records` (`record_id`,`audit_id`);--> statement-breakpoint
ALTER TABLE `access_audit` ADD `kind` text DEFAULT 'consultation' NOT NULL;--> statement-breakpoint
ALTER TABLE `access_audit` ADD `operation` text;--> statement-breakpoint
ALTER TABLE `access_audit` ADD `purpose` text;--> statement-breakpoint
ALTER TABLE `access_audit` ADD `justification` text;--> statement-breakpoint
ALTER TABLE `access_audit` ADD `recipient` text;--> statement-breakpoint
ALTER TABLE `access_audit` ADD `refusal` text;--> statement-breakpoint
ALTER TABLE `access_audit` ADD `request_id` text;--> statement-breakpoint
CREATE INDEX `access_audit_user` ON `access_audit` (`user_id`,`id`);--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `expires_at` text;--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `last_used_at` text;