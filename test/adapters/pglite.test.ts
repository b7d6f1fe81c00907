import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { migrate, postgresStore } from '../../adapters/postgres.js';
import { testStore } from './conformance.js';

// PGlite is PostgreSQL compiled to WebAssembly: the same SQL as a server, with no server to run.
// It takes seconds to start, so the tests share one instance and each gets its own tables.
let db: PGlite | null = null;

testStore('postgres (PGlite)', {
  async prepare() {
    db = new PGlite();
    await db.waitReady;
  },
  async make() {
    db ??= new PGlite();
    const tablePrefix = `t_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    await migrate(db, tablePrefix);
    return postgresStore({ client: db, tablePrefix });
  },
  cleanup: async () => db?.close(),
});
