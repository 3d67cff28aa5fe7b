CREATE TABLE `alert_actions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`alert_id` text NOT NULL,
	`incident_id` text NOT NULL,
	`kind` text NOT NULL,
	`actor_id` text NOT NULL,
	`actor_role` text NOT NULL,
	`at` text NOT NULL,
	`note` text,
	`escalated_to` text,
	`level` integer
);
--> statement-breakpoint
CREATE INDEX `alert_actions_alert` ON `alert_actions` (`alert_id`,`kind`);--> statement-breakpoint
CREATE UNIQUE INDEX `alert_actions_one_acknowledgement` ON `alert_actions` (`alert_id`) WHERE kind = 'acknowledged';--> statement-breakpoint
CREATE INDEX `alerts_severity` ON `alerts` (`severity`,`incident_id`);--> statement-breakpoint
-- Acknowledgements and escalations are a record of who did what: never edited, never deleted.
CREATE TRIGGER alert_actions_no_update BEFORE UPDATE ON alert_actions
BEGIN SELECT RAISE(ABORT, 'alert_actions is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER alert_actions_no_delete BEFORE DELETE ON alert_actions
BEGIN SELECT RAISE(ABORT, 'alert_actions is append-only'); END;
