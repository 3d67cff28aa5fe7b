CREATE TABLE `demand_rollup_month` (
	`dim` text NOT NULL,
	`month` text NOT NULL,
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
	PRIMARY KEY(`dim`, `month`, `grp`)
);
--> statement-breakpoint
CREATE TABLE `referral_rollup_month` (
	`dim` text NOT NULL,
	`month` text NOT NULL,
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
	`resolved` integer DEFAULT 0 NOT NULL,
	`withdrawn` integer DEFAULT 0 NOT NULL,
	`escalated` integer DEFAULT 0 NOT NULL,
	`reached` integer DEFAULT 0 NOT NULL,
	`acknowledged` integer DEFAULT 0 NOT NULL,
	`ack_seconds` integer DEFAULT 0 NOT NULL,
	`ack_within_1h` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`dim`, `month`, `grp`)
);
--> statement-breakpoint
-- Existing databases: the month sums of what the daily rollup already holds.
INSERT INTO `demand_rollup_month` (`dim`, `month`, `grp`, `incidents`, `mh_flag_at_call`, `mh_flag_at_close`, `close_flag_known`, `flags_agree`, `flagged_at_call_only`, `flagged_at_close_only`, `closed`, `imported`, `mh_related`, `rcrp_scope`, `decision_deploy`, `decision_joint`, `decision_handover`, `decision_advice`, `decision_none`, `repeat_after_no_deploy`, `with_police`, `assignments`, `assignments_open`, `officer_seconds`, `os_travel`, `os_scene`, `os_conveyance`, `os_waiting_ed`, `os_waiting_hbpos`, `os_custody`, `os_other`, `calls_handled`, `call_seconds`, `handed_to_partner`, `released_incidents`, `released_officer_seconds`)
SELECT `dim`, substr(`day`, 1, 7), `grp`, sum(`incidents`), sum(`mh_flag_at_call`), sum(`mh_flag_at_close`), sum(`close_flag_known`), sum(`flags_agree`), sum(`flagged_at_call_only`), sum(`flagged_at_close_only`), sum(`closed`), sum(`imported`), sum(`mh_related`), sum(`rcrp_scope`), sum(`decision_deploy`), sum(`decision_joint`), sum(`decision_handover`), sum(`decision_advice`), sum(`decision_none`), sum(`repeat_after_no_deploy`), sum(`with_police`), sum(`assignments`), sum(`assignments_open`), sum(`officer_seconds`), sum(`os_travel`), sum(`os_scene`), sum(`os_conveyance`), sum(`os_waiting_ed`), sum(`os_waiting_hbpos`), sum(`os_custody`), sum(`os_other`), sum(`calls_handled`), sum(`call_seconds`), sum(`handed_to_partner`), sum(`released_incidents`), sum(`released_officer_seconds`) FROM `demand_rollup` GROUP BY `dim`, substr(`day`, 1, 7), `grp`;
--> statement-breakpoint
-- Existing databases: the month sums of what the daily rollup already holds.
INSERT INTO `referral_rollup_month` (`dim`, `month`, `grp`, `referrals`, `accepted`, `declined`, `no_response`, `pending`, `answered`, `answer_seconds`, `answered_within_1h`, `answered_within_4h`, `answered_within_24h`, `resolved`, `withdrawn`, `escalated`, `reached`, `acknowledged`, `ack_seconds`, `ack_within_1h`)
SELECT `dim`, substr(`day`, 1, 7), `grp`, sum(`referrals`), sum(`accepted`), sum(`declined`), sum(`no_response`), sum(`pending`), sum(`answered`), sum(`answer_seconds`), sum(`answered_within_1h`), sum(`answered_within_4h`), sum(`answered_within_24h`), sum(`resolved`), sum(`withdrawn`), sum(`escalated`), sum(`reached`), sum(`acknowledged`), sum(`ack_seconds`), sum(`ack_within_1h`) FROM `referral_rollup` GROUP BY `dim`, substr(`day`, 1, 7), `grp`;
