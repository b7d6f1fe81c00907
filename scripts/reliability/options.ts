/**
 * The counts of a reliability run: the full run (`npm run reliability`) or the short one CI runs
 * (`--short`), each count overridable from the environment.
 */
export interface ReliabilityOptions {
  readonly short: boolean;
  /** Write the figures into docs/reliability.md (not with `--no-write`). */
  readonly write: boolean;
  readonly engineFuzzEvents: number;
  readonly machineFuzzEvents: number;
  readonly fileKillTrials: number;
  readonly postgresKillTrials: number;
  /** Kills come 1 ms to this long after a writer's first acknowledgement. */
  readonly killMaxDelayMs: number;
  readonly clusterEventsPerWriter: number;
  /** The tamper matrix on every store (full), or on the memory store, the file store and one SQL store (short). */
  readonly tamperEveryStore: boolean;
  readonly databaseUrl: string | undefined;
}

const counts = {
  full: { engineFuzzEvents: 20_000, machineFuzzEvents: 24_000, fileKillTrials: 60, postgresKillTrials: 40, killMaxDelayMs: 400, clusterEventsPerWriter: 40 },
  // Each kill trial starts a writer process (3–5 s on a loaded 2-core machine, 4 at a time): the
  // short run keeps two of each store, and 5 cluster events a writer: the fifth is its refusal.
  short: { engineFuzzEvents: 2_000, machineFuzzEvents: 3_000, fileKillTrials: 2, postgresKillTrials: 2, killMaxDelayMs: 200, clusterEventsPerWriter: 5 },
};

/** The environment variable that overrides each count. */
const variables: Record<keyof typeof counts.full, string> = {
  engineFuzzEvents: 'RELIABILITY_ENGINE_FUZZ',
  machineFuzzEvents: 'RELIABILITY_MACHINE_FUZZ',
  fileKillTrials: 'RELIABILITY_FILE_KILLS',
  postgresKillTrials: 'RELIABILITY_POSTGRES_KILLS',
  killMaxDelayMs: 'RELIABILITY_KILL_MAX_DELAY_MS',
  clusterEventsPerWriter: 'RELIABILITY_CLUSTER_EVENTS',
};

export function readOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ReliabilityOptions {
  const unknown = argv.filter((a) => !['--short', '--no-write'].includes(a));
  if (unknown.length > 0) throw new Error(`Unknown option ${unknown[0]}: use --short and/or --no-write (counts come from ${Object.values(variables).join(', ')}).`);
  const short = argv.includes('--short');
  const chosen: Record<string, number> = { ...(short ? counts.short : counts.full) };
  for (const [key, variable] of Object.entries(variables)) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${variable} must be a whole number, 0 or more.`);
    chosen[key] = n;
  }
  return {
    short,
    write: !argv.includes('--no-write'),
    ...(chosen as typeof counts.full),
    tamperEveryStore: !short,
    databaseUrl: env['DATABASE_URL'] || undefined,
  };
}
