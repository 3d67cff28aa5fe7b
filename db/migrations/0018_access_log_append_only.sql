-- The access log (DPA 2018 s.62). Rows written before it existed stay readable: their operation is
-- named from their action, and the incident they were about is listed among their records.
DROP TRIGGER access_audit_no_update;
--> statement-breakpoint
UPDATE access_audit SET operation = CASE
  WHEN action LIKE 'report.%' THEN 'reports.read'
  WHEN action = 'incident.highIntensity' THEN 'handover.audit'
  WHEN action = 'volumes.record' THEN 'volumes.manage'
  ELSE NULL END
WHERE operation IS NULL;
--> statement-breakpoint
UPDATE access_audit SET refusal = 'ROLE_NOT_ALLOWED' WHERE outcome = 'refused' AND refusal IS NULL;
--> statement-breakpoint
INSERT INTO access_audit_records (audit_id, record_type, record_id)
SELECT id, 'incident', incident_id FROM access_audit WHERE incident_id IS NOT NULL;
--> statement-breakpoint
CREATE TRIGGER access_audit_no_update BEFORE UPDATE ON access_audit
BEGIN SELECT RAISE(ABORT, 'access_audit is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER access_audit_records_no_update BEFORE UPDATE ON access_audit_records
BEGIN SELECT RAISE(ABORT, 'access_audit_records is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER access_audit_records_no_delete BEFORE DELETE ON access_audit_records
BEGIN SELECT RAISE(ABORT, 'access_audit_records is append-only'); END;
--> statement-breakpoint
-- Tokens issued before tokens expired: they expire 90 days (the default lifetime) after they were issued.
UPDATE api_tokens SET expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', created_at, '+90 days') WHERE expires_at IS NULL;
