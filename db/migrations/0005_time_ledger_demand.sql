CREATE TABLE `access_audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text NOT NULL,
	`action` text NOT NULL,
	`params` text NOT NULL,
	`incident_id` text,
	`outcome` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `access_audit_at` ON `access_audit` (`at`);--> statement-breakpoint
CREATE TABLE `demand_rollup` (
	`dim` text NOT NULL,
	`day` text NOT NULL,
	`grp` text NOT NULL,
	`incidents` integer NOT NULL,
	`mh_flag_at_call` integer NOT NULL,
	`mh_flag_at_close` integer NOT NULL,
	`close_flag_known` integer NOT NULL,
	`flags_agree` integer NOT NULL,
	`flagged_at_call_only` integer NOT NULL,
	`flagged_at_close_only` integer NOT NULL,
	`closed` integer NOT NULL,
	`imported` integer NOT NULL,
	`mh_related` integer NOT NULL,
	`rcrp_scope` integer NOT NULL,
	`decision_deploy` integer NOT NULL,
	`decision_joint` integer NOT NULL,
	`decision_handover` integer NOT NULL,
	`decision_advice` integer NOT NULL,
	`decision_none` integer NOT NULL,
	`repeat_after_no_deploy` integer NOT NULL,
	`with_police` integer NOT NULL,
	`assignments` integer NOT NULL,
	`assignments_open` integer NOT NULL,
	`officer_seconds` integer NOT NULL,
	`os_travel` integer NOT NULL,
	`os_scene` integer NOT NULL,
	`os_conveyance` integer NOT NULL,
	`os_waiting_ed` integer NOT NULL,
	`os_waiting_hbpos` integer NOT NULL,
	`os_custody` integer NOT NULL,
	`os_other` integer NOT NULL,
	`calls_handled` integer NOT NULL,
	`call_seconds` integer NOT NULL,
	`handed_to_partner` integer NOT NULL,
	`released_incidents` integer NOT NULL,
	`released_officer_seconds` integer NOT NULL,
	PRIMARY KEY(`dim`, `day`, `grp`)
);
--> statement-breakpoint
CREATE TABLE `incident_ledger` (
	`incident_id` text PRIMARY KEY NOT NULL,
	`received_at` text NOT NULL,
	`day` text NOT NULL,
	`district` text NOT NULL,
	`category` text NOT NULL,
	`agency` text NOT NULL,
	`incidents` integer NOT NULL,
	`mh_flag_at_call` integer NOT NULL,
	`mh_flag_at_close` integer NOT NULL,
	`close_flag_known` integer NOT NULL,
	`flags_agree` integer NOT NULL,
	`flagged_at_call_only` integer NOT NULL,
	`flagged_at_close_only` integer NOT NULL,
	`closed` integer NOT NULL,
	`imported` integer NOT NULL,
	`mh_related` integer NOT NULL,
	`rcrp_scope` integer NOT NULL,
	`decision_deploy` integer NOT NULL,
	`decision_joint` integer NOT NULL,
	`decision_handover` integer NOT NULL,
	`decision_advice` integer NOT NULL,
	`decision_none` integer NOT NULL,
	`repeat_after_no_deploy` integer NOT NULL,
	`with_police` integer NOT NULL,
	`assignments` integer NOT NULL,
	`assignments_open` integer NOT NULL,
	`officer_seconds` integer NOT NULL,
	`os_travel` integer NOT NULL,
	`os_scene` integer NOT NULL,
	`os_conveyance` integer NOT NULL,
	`os_waiting_ed` integer NOT NULL,
	`os_waiting_hbpos` integer NOT NULL,
	`os_custody` integer NOT NULL,
	`os_other` integer NOT NULL,
	`calls_handled` integer NOT NULL,
	`call_seconds` integer NOT NULL,
	`handed_to_partner` integer NOT NULL,
	`released_incidents` integer NOT NULL,
	`released_officer_seconds` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `incident_ledger_day` ON `incident_ledger` (`day`);--> statement-breakpoint
CREATE TABLE `incident_volumes` (
	`month` text NOT NULL,
	`district` text NOT NULL,
	`all_incidents` integer NOT NULL,
	`source` text NOT NULL,
	`recorded_at` text NOT NULL,
	`recorded_by` text NOT NULL,
	PRIMARY KEY(`month`, `district`)
);
--> statement-breakpoint
CREATE TABLE `person_contacts` (
	`person` integer NOT NULL,
	`received_at` text NOT NULL,
	`incident_id` text NOT NULL,
	`day` text NOT NULL,
	`received_s` integer NOT NULL,
	`officer_seconds` integer NOT NULL,
	`rank` integer NOT NULL,
	`prev_s` integer,
	PRIMARY KEY(`person`, `received_at`, `incident_id`)
);
--> statement-breakpoint
CREATE INDEX `person_contacts_incident` ON `person_contacts` (`incident_id`);--> statement-breakpoint
CREATE INDEX `person_contacts_rank` ON `person_contacts` (`person`,`rank`,`received_s`);--> statement-breakpoint
CREATE INDEX `person_contacts_repeat` ON `person_contacts` (`rank`,`received_s`,`person`);--> statement-breakpoint
CREATE INDEX `person_contacts_period` ON `person_contacts` (`received_s`,`prev_s`,`officer_seconds`);--> statement-breakpoint
CREATE TABLE `referral_ledger` (
	`incident_id` text NOT NULL,
	`referral_id` text NOT NULL,
	`day` text NOT NULL,
	`district` text NOT NULL,
	`category` text NOT NULL,
	`agency` text NOT NULL,
	`referrals` integer NOT NULL,
	`accepted` integer NOT NULL,
	`declined` integer NOT NULL,
	`no_response` integer NOT NULL,
	`pending` integer NOT NULL,
	`answered` integer NOT NULL,
	`answer_seconds` integer NOT NULL,
	`answered_within_1h` integer NOT NULL,
	`answered_within_4h` integer NOT NULL,
	`answered_within_24h` integer NOT NULL,
	PRIMARY KEY(`incident_id`, `referral_id`)
);
--> statement-breakpoint
CREATE INDEX `referral_ledger_day` ON `referral_ledger` (`day`);--> statement-breakpoint
CREATE TABLE `referral_rollup` (
	`dim` text NOT NULL,
	`day` text NOT NULL,
	`grp` text NOT NULL,
	`referrals` integer NOT NULL,
	`accepted` integer NOT NULL,
	`declined` integer NOT NULL,
	`no_response` integer NOT NULL,
	`pending` integer NOT NULL,
	`answered` integer NOT NULL,
	`answer_seconds` integer NOT NULL,
	`answered_within_1h` integer NOT NULL,
	`answered_within_4h` integer NOT NULL,
	`answered_within_24h` integer NOT NULL,
	PRIMARY KEY(`dim`, `day`, `grp`)
);
--> statement-breakpoint
CREATE TABLE `resource_assignments` (
	`incident_id` text NOT NULL,
	`id` text NOT NULL,
	`call_sign` text NOT NULL,
	`resource_type` text NOT NULL,
	`officers` integer NOT NULL,
	`status` text NOT NULL,
	`dispatched_at` text NOT NULL,
	`arrived_at` text,
	`cleared_at` text,
	`officer_seconds` integer,
	`imported` integer NOT NULL,
	PRIMARY KEY(`incident_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `resource_assignments_call_sign` ON `resource_assignments` (`call_sign`,`dispatched_at`);--> statement-breakpoint
CREATE TABLE `resource_segments` (
	`incident_id` text NOT NULL,
	`assignment_id` text NOT NULL,
	`idx` integer NOT NULL,
	`activity` text NOT NULL,
	`start_at` text NOT NULL,
	`end_at` text NOT NULL,
	`officer_seconds` integer NOT NULL,
	PRIMARY KEY(`incident_id`, `assignment_id`, `idx`)
);
