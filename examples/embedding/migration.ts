// Prints the schema for the DBA: `npx tsx migration.ts step_down > step-down.sql`. Every statement is
// IF NOT EXISTS, so the script may be applied again. Apply it as the tables' owner, not the engine's role.
import { migrationSql } from '../../adapters/postgres.js';

process.stdout.write(migrationSql(process.argv[2] ?? 'step_down'));
