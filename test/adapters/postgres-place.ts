import { randomBytes, randomUUID } from 'node:crypto';
import { migrate, postgresStore, type PGliteLike, type PgPoolLike } from '../../adapters/postgres.js';
import type { Raw, SealedPlace } from './sealing-suite.js';

/**
 * The index key the sealing suite's stores are given beside its data keys (the PostgreSQL store
 * requires one): one for the whole run, as a host keeps one for the life of its store.
 */
export const placeIndexKey = randomBytes(32);

/** Table names of their own for each test, so tests never see each other's rows. */
export const freshPrefix = () => `t_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

/**
 * The PostgreSQL store's data as someone with the database sees it: the columns of every row,
 * read and changed with plain SQL. The same for PGlite and a server.
 */
export async function postgresPlace(client: PgPoolLike | PGliteLike): Promise<SealedPlace> {
  const p = freshPrefix();
  await migrate(client, p);
  return {
    open: (encryption) => postgresStore({ client, tablePrefix: p, encryption: encryption && { indexKey: placeIndexKey, ...encryption } }),
    async raw() {
      const texts = await Promise.all(
        ['cases', 'audit', 'outbox', 'dead', 'work'].map((table) => `SELECT row_to_json(r)::text AS t FROM ${p}_${table} r`).map(
          async (query) => (await client.query<{ t: string }>(query)).rows.map((r) => r.t),
        ),
      );
      // row_to_json escapes nothing a marker holds (letters, digits, spaces, hyphens), so a clear
      // payload would show here as written.
      return texts.flat().join('\n');
    },
    async readEntry(caseId, seq) {
      return (await client.query<{ entry: Raw }>(`SELECT entry FROM ${p}_audit WHERE case_id = $1 AND seq = $2`, [caseId, seq])).rows[0]!.entry;
    },
    async writeEntry(caseId, seq, entry) {
      await client.query(`UPDATE ${p}_audit SET entry = $3::jsonb WHERE case_id = $1 AND seq = $2`, [caseId, seq, JSON.stringify(entry)]);
    },
    async readSnapshot(caseId) {
      return (await client.query<{ snapshot: Raw }>(`SELECT snapshot FROM ${p}_cases WHERE case_id = $1`, [caseId])).rows[0]!.snapshot;
    },
    async writeSnapshot(caseId, snapshot) {
      await client.query(`UPDATE ${p}_cases SET snapshot = $2::jsonb WHERE case_id = $1`, [caseId, JSON.stringify(snapshot)]);
    },
    async readNotification(messageId) {
      return (await client.query<{ notification: Raw }>(`SELECT notification FROM ${p}_outbox WHERE id = $1`, [messageId])).rows[0]!.notification;
    },
    async writeNotification(messageId, notification) {
      await client.query(`UPDATE ${p}_outbox SET notification = $2::jsonb WHERE id = $1`, [messageId, JSON.stringify(notification)]);
    },
  };
}
