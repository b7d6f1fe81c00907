import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';
import { migrate, postgresStore } from '../../adapters/postgres.js';
import { testStore } from './conformance.js';
import { testDeliveryStore } from './conformance-delivery.js';
import { testCalendarUpdate } from './conformance-calendar.js';
import { freshPrefix, postgresPlace } from './postgres-place.js';
import { postgresServerUrl } from '../servers.js';
import { testSealing } from './sealing-suite.js';

const url = postgresServerUrl;

if (url) {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const sealedKey = randomBytes(32);
  const indexKey = randomBytes(32);
  // Each test gets its own tables, so tests never see each other's rows.
  const make = async (sealed: boolean) => {
    const tablePrefix = freshPrefix();
    await migrate(pool, tablePrefix);
    return postgresStore({ client: pool, tablePrefix, encryption: sealed ? { keys: { k: sealedKey }, current: 'k', indexKey } : undefined });
  };
  testStore('postgres (server)', { make: () => make(false) });
  testStore('postgres (server, sealed)', { make: () => make(true) });
  testCalendarUpdate('postgres (server)', { make: () => make(false) });
  testDeliveryStore('postgres (server)', {
    async make() {
      const tablePrefix = freshPrefix();
      await migrate(pool, tablePrefix);
      return { store: postgresStore({ client: pool, tablePrefix }), reopen: () => postgresStore({ client: pool, tablePrefix }) };
    },
  });
  // The pool is ended once, after the last suite of the file: vitest runs a file's suites in order.
  testSealing('postgres (server)', { place: () => postgresPlace(pool), cleanup: async () => pool.end() });
} else {
  describe('postgres (server) store conformance', () => {
    it.skip('runs when DATABASE_URL is set (.ci/run starts a throwaway server)', () => undefined);
  });
}
