-- The event log is the truth (R3, R45): saved events are never edited or deleted; corrections are new events.
CREATE TRIGGER incident_events_no_update BEFORE UPDATE ON incident_events
BEGIN SELECT RAISE(ABORT, 'incident_events is append-only (R3/R45): record a new event instead'); END;
--> statement-breakpoint
CREATE TRIGGER incident_events_no_delete BEFORE DELETE ON incident_events
BEGIN SELECT RAISE(ABORT, 'incident_events is append-only (R3/R45): events cannot be deleted'); END;
