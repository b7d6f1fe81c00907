-- The engine's role: it reads and writes rows, and can change no table. Run as the tables' owner
-- after the migration, with your prefix in place of step_down and your role in place of
-- caf_step_down_app. Without a table prefix option the prefix is step_down.
CREATE ROLE caf_step_down_app LOGIN PASSWORD 'change-me';
GRANT USAGE ON SCHEMA public TO caf_step_down_app;

-- Cases: opened and saved, never deleted.
GRANT SELECT, INSERT, UPDATE ON step_down_cases TO caf_step_down_app;
-- The audit trail is append-only: no UPDATE, no DELETE.
GRANT SELECT, INSERT ON step_down_audit TO caf_step_down_app;
-- The work list is rewritten with each save (its rows upserted, the ones left over deleted).
GRANT SELECT, INSERT, UPDATE, DELETE ON step_down_work TO caf_step_down_app;
-- The outbox: claimed, retried and acknowledged by the relay.
GRANT SELECT, INSERT, UPDATE, DELETE ON step_down_outbox TO caf_step_down_app;
-- Dead letters: buried by the relay, revived by redeliver.
GRANT SELECT, INSERT, DELETE ON step_down_dead TO caf_step_down_app;
