ALTER TABLE `referral_ledger` ADD `resolved` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `referral_ledger` ADD `withdrawn` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `referral_ledger` ADD `escalated` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `referral_ledger` ADD `reached` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `referral_ledger` ADD `acknowledged` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `referral_ledger` ADD `ack_seconds` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `referral_ledger` ADD `ack_within_1h` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `referral_rollup` ADD `resolved` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `referral_rollup` ADD `withdrawn` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `referral_rollup` ADD `escalated` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `referral_rollup` ADD `reached` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `referral_rollup` ADD `acknowledged` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `referral_rollup` ADD `ack_seconds` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `referral_rollup` ADD `ack_within_1h` integer DEFAULT 0 NOT NULL;