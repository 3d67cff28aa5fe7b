CREATE TABLE `detention_reviews` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`detention_id` text NOT NULL,
	`incident_id` text NOT NULL,
	`conclusion` text NOT NULL,
	`concern_rules` text NOT NULL,
	`learning_points` text NOT NULL,
	`note` text NOT NULL,
	`reviewer_id` text NOT NULL,
	`reviewer_role` text NOT NULL,
	`recorded_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `detention_reviews_detention` ON `detention_reviews` (`detention_id`,`id`);--> statement-breakpoint
-- The MH lead's findings are append-only (R45 audit style): a changed view is a new finding.
CREATE TRIGGER detention_reviews_no_update BEFORE UPDATE ON detention_reviews
BEGIN SELECT RAISE(ABORT, 'detention_reviews is append-only: record a new finding instead'); END;
--> statement-breakpoint
CREATE TRIGGER detention_reviews_no_delete BEFORE DELETE ON detention_reviews
BEGIN SELECT RAISE(ABORT, 'detention_reviews is append-only: findings cannot be deleted'); END;
