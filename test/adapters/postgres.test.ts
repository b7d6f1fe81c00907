import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';
import { migrate, postgresStore } from '../../adapters/postgres.js';
import { testStore } from './conformance.js';

const url = process.env.DATABASE_URL;

if (url) {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  testStore('postgres (server)', {
    async make() {
      // Each test gets its own tables, so tests never see each other's rows.
      const tablePrefix = `t_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      await migrate(pool, tablePrefix);
      return postgresStore({ client: pool, tablePrefix });
    },
    cleanup: async () => pool.end(),
  });
} else {
  describe('postgres (server) store conformance', () => {
    it.skip('runs when DATABASE_URL is set (.ci/run starts a throwaway server)', () => undefined);
  });
}
