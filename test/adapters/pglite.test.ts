import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { migrate, postgresStore } from '../../adapters/postgres.js';
import { testStore } from './conformance.js';
import { testDeliveryStore } from './conformance-delivery.js';
import { testCalendarUpdate } from './conformance-calendar.js';
import { freshPrefix, postgresPlace } from './postgres-place.js';
import { testSealing } from './sealing-suite.js';

// PGlite is PostgreSQL compiled to WebAssembly: the same SQL as a server, with no server to run.
// It takes seconds to start, so all the suites of this file share one instance and each test gets
// its own tables.
let db: PGlite | null = null;
const shared = {
  async prepare() {
    db ??= new PGlite();
    await db.waitReady;
  },
};

testStore('postgres (PGlite)', {
  ...shared,
  async make() {
    db ??= new PGlite();
    const tablePrefix = freshPrefix();
    await migrate(db, tablePrefix);
    return postgresStore({ client: db, tablePrefix });
  },
});
testDeliveryStore('postgres (PGlite)', {
  ...shared,
  async make() {
    const client = (db ??= new PGlite());
    const tablePrefix = freshPrefix();
    await migrate(client, tablePrefix);
    return { store: postgresStore({ client, tablePrefix }), reopen: () => postgresStore({ client, tablePrefix }) };
  },
});

testCalendarUpdate('postgres (PGlite)', { ...shared, async make() { db ??= new PGlite(); const tablePrefix = freshPrefix(); await migrate(db, tablePrefix); return postgresStore({ client: db, tablePrefix }); } });

const sealedKey = randomBytes(32);
const indexKey = randomBytes(32);
testStore('postgres (PGlite, sealed)', {
  ...shared,
  async make() {
    db ??= new PGlite();
    const tablePrefix = freshPrefix();
    await migrate(db, tablePrefix);
    return postgresStore({ client: db, tablePrefix, encryption: { keys: { k: sealedKey }, current: 'k', indexKey } });
  },
});

testSealing('postgres (PGlite)', {
  ...shared,
  place: async () => postgresPlace((db ??= new PGlite())),
  // Closed once, after the last suite of the file: vitest runs a file's suites in order.
  cleanup: async () => db?.close(),
});
