-- The directory's history is an audit trail (R45): who changed a partner's contact details, and when, is never rewritten.
CREATE TRIGGER agency_changes_no_update BEFORE UPDATE ON agency_changes
BEGIN SELECT RAISE(ABORT, 'agency_changes is append-only: record a new change instead'); END;
--> statement-breakpoint
CREATE TRIGGER agency_changes_no_delete BEFORE DELETE ON agency_changes
BEGIN SELECT RAISE(ABORT, 'agency_changes is append-only: history cannot be deleted'); END;
