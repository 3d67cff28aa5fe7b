ALTER TABLE `demand_rollup` ADD `attendance_measured` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `demand_rollup` ADD `attendance_met` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `demand_rollup` ADD `attendance_breached` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `demand_rollup_month` ADD `attendance_measured` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `demand_rollup_month` ADD `attendance_met` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `demand_rollup_month` ADD `attendance_breached` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `incident_ledger` ADD `attendance_measured` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `incident_ledger` ADD `attendance_met` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `incident_ledger` ADD `attendance_breached` integer DEFAULT 0 NOT NULL;