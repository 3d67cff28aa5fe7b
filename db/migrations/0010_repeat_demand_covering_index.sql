DROP INDEX `person_contacts_rank`;--> statement-breakpoint
CREATE INDEX `person_contacts_rank` ON `person_contacts` (`person`,`rank`,`received_s`,`officer_seconds`);