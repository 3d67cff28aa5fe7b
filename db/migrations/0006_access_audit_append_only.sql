-- Views of reports and of the high-intensity marker are audited (R41, R44): the audit is never edited or deleted.
CREATE TRIGGER access_audit_no_update BEFORE UPDATE ON access_audit
BEGIN SELECT RAISE(ABORT, 'access_audit is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER access_audit_no_delete BEFORE DELETE ON access_audit
BEGIN SELECT RAISE(ABORT, 'access_audit is append-only'); END;
