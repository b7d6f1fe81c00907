/**
 * Named statements on PGlite for the PostgreSQL store's hot statements (issue 15). PGlite's `query`
 * sends an unnamed Parse, Describe, Bind, Describe, Execute and Sync on every call, so PostgreSQL
 * plans the save's five-part CTE every time (planning it costs more than running it). Here each
 * statement is parsed once per instance under a name, with its parameter types and row description
 * kept, and each call sends only Bind, Execute and Sync through the instance's own protocol entry,
 * under the same two locks `query` takes, syncing the file system when `query` would, and decoding
 * the rows with PGlite's own result parser and the instance's type parsers: the caller sees what
 * `query` would have given it.
 */
import type { messages } from '@electric-sql/pglite';

type Protocol = typeof import('@electric-sql/pglite');
type BackendMessage = messages.BackendMessage;
type RowDescriptionMessage = messages.RowDescriptionMessage;

/** The parts of a PGlite instance (0.5) this file drives: the ones `query` itself uses. */
interface PGliteInstance {
  execProtocolStream(message: Uint8Array, options?: { syncToFs?: boolean; throwOnError?: boolean }): Promise<BackendMessage[]>;
  /** Only an instance that runs PostgreSQL in this process has it (not a worker proxy, not a transaction). */
  execProtocolRawSync(message: Uint8Array): Uint8Array;
  syncToFs(): Promise<void>;
  _checkReady(): Promise<void>;
  /** The lock every `query`, `exec` and whole `transaction()` holds. */
  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T>;
  /** The lock each single statement holds, inside a transaction too. */
  runExclusive<T>(fn: () => Promise<T>): Promise<T>;
  readonly parsers: Record<number | string, (value: string, typeId?: number) => unknown>;
  readonly serializers: Record<number | string, (value: unknown) => string>;
}

/** A statement as parsed on one instance: its name there, its parameter types and its row description. */
interface Prepared {
  readonly name: string;
  readonly paramTypes: readonly number[];
  readonly description: RowDescriptionMessage | null;
}

/** What one instance has parsed: statements by text, and which text each name holds. */
interface Parsed {
  readonly byText: Map<string, Prepared>;
  readonly textOf: Map<string, string>;
}

const parsedOn = new WeakMap<PGliteInstance, Parsed>();

/**
 * Errors after which the statement is parsed again and run once more: the named statement is gone
 * (26000: a host ran `DEALLOCATE` or `DISCARD ALL`), or a column it returns changed type since it
 * was parsed (0A000 with this message only; the class holds every "not supported"). Both are raised
 * before the statement runs.
 */
const parseAgain = (error: unknown) => {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '26000' || (code === '0A000' && typeof message === 'string' && message.startsWith('cached plan must not change result type'));
};

const methods = ['execProtocolStream', 'execProtocolRawSync', 'syncToFs', '_checkReady', '_runExclusiveTransaction', 'runExclusive'] as const;

/**
 * True for a PGlite instance running in this process, known by the members `query` itself uses. A
 * transaction object (only `query`, `exec`, `rollback`…), a worker proxy (no `execProtocolRawSync`)
 * or a host's wrapper does not pass, and keeps `query`.
 */
export function isPGliteInstance(client: unknown): client is PGliteInstance {
  if (typeof client !== 'object' || client === null) return false;
  const c = client as Record<string, unknown>;
  return (
    methods.every((m) => typeof c[m] === 'function') &&
    typeof c.parsers === 'object' &&
    c.parsers !== null &&
    typeof c.serializers === 'object' &&
    c.serializers !== null &&
    !('rollback' in c)
  );
}

let protocol: Promise<Protocol | null> | null = null;

/**
 * PGlite's own copy of the wire protocol and its result parser, loaded only once an instance is
 * seen (PGlite is an optional peer dependency), and null when this version of PGlite does not
 * export them (the store then keeps `query`).
 */
function pgliteProtocol(): Promise<Protocol | null> {
  protocol ??= import('@electric-sql/pglite').then(
    (m) => (typeof m.protocol?.serialize?.bind === 'function' && typeof m.parse?.parseResults === 'function' ? m : null),
    () => null,
  );
  return protocol;
}


/** What `query` adds to a database error before throwing it, so a caller cannot tell the paths apart. */
function asQueryError(error: unknown, text: string, values: readonly unknown[]): unknown {
  if (error instanceof Error && typeof (error as { code?: unknown }).code === 'string') {
    Object.assign(error, { query: text, params: values, queryOptions: undefined });
  }
  return error;
}

/**
 * Runs statements on `db` as named statements, or returns null when `db` is not a PGlite instance.
 * `name` is the statement's name on the instance (it carries the store's table prefix); a second
 * text under a name already taken on the instance gets the name with a number after it.
 */
export function pgliteStatements(db: unknown) {
  if (!isPGliteInstance(db)) return null;
  const lite = db;
  let parsed = parsedOn.get(lite);
  if (parsed === undefined) {
    parsed = { byText: new Map(), textOf: new Map() };
    parsedOn.set(lite, parsed);
  }
  const { byText, textOf } = parsed;

  /**
   * Parses `text` under its name, first closing whatever that name held (nothing, a statement lost
   * to a second copy of this module, or a plan PostgreSQL will no longer run), and keeps what the
   * statement's Describe says.
   */
  const prepare = async (p: Protocol, name: string, text: string): Promise<Prepared> => {
    const { serialize } = p.protocol;
    const messages = await lite.execProtocolStream(
      Buffer.concat([serialize.close({ type: 'S', name }), serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()]),
      { syncToFs: false },
    );
    const params = messages.find((m) => m.name === 'parameterDescription') as { dataTypeIDs: number[] } | undefined;
    const description = (messages.find((m) => m.name === 'rowDescription') as RowDescriptionMessage | undefined) ?? null;
    const prepared = { name, paramTypes: params?.dataTypeIDs ?? [], description };
    byText.set(text, prepared);
    textOf.set(name, text);
    return prepared;
  };

  /** Bind, Execute and Sync in one message: after an error PostgreSQL skips to the Sync, so the session is ready again. */
  const execute = async <R>(p: Protocol, prepared: Prepared, values: readonly unknown[]): Promise<{ rows: R[] }> => {
    const { serialize } = p.protocol;
    // Each value serialised by its parameter's type, as `query` does.
    const bound = values.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = lite.serializers[prepared.paramTypes[i] ?? -1];
      return serializer ? serializer(value) : String(value);
    });
    const messages = await lite.execProtocolStream(
      Buffer.concat([serialize.bind({ statement: prepared.name, values: bound }), serialize.execute({}), serialize.sync()]),
      { syncToFs: false },
    );
    // `query` syncs a file-backed instance after every statement outside `transaction()`, and none runs while this holds its lock.
    await lite.syncToFs();
    const results = p.parse.parseResults(prepared.description ? [prepared.description, ...messages] : messages, lite.parsers);
    return results[0] as unknown as { rows: R[] };
  };

  const nameFor = (wanted: string, text: string): string => {
    for (let n = 1; ; n++) {
      const name = n === 1 ? wanted : `${wanted}_${n}`;
      const holds = textOf.get(name);
      if (holds === undefined || holds === text) return name;
    }
  };

  return async <R>(name: string, text: string, values: readonly unknown[]): Promise<{ rows: R[] }> => {
    const p = await pgliteProtocol();
    if (p === null) return (lite as unknown as { query<T>(t: string, v: readonly unknown[]): Promise<{ rows: T[] }> }).query<R>(text, values);
    await lite._checkReady();
    // Both locks, in `query`'s order: the first keeps this out of a host's `transaction()` between
    // its statements (the second alone would not), the second out of any single statement.
    return lite._runExclusiveTransaction(() =>
      lite.runExclusive(async () => {
        try {
          const prepared = byText.get(text) ?? (await prepare(p, nameFor(name, text), text));
          try {
            return await execute<R>(p, prepared, values);
          } catch (error) {
            if (!parseAgain(error)) throw error;
            return await execute<R>(p, await prepare(p, prepared.name, text), values);
          }
        } catch (error) {
          throw asQueryError(error, text, values);
        }
      }),
    );
  };
}
