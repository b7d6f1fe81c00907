/**
 * The figures of a reliability run as Markdown, and their place in docs/reliability.md: between two
 * marker comments, so the hand-written sections around them stay as they are.
 */
import type { ClusterFigures } from './cluster.js';
import type { CrashFigures } from './crash.js';
import type { EngineFuzzFigures, MachineFuzzFigures } from './fuzz.js';
import type { ReliabilityOptions } from './options.js';
import type { TamperCell } from './tamper.js';

export interface ReliabilityResults {
  readonly options: ReliabilityOptions;
  readonly date: string;
  readonly machine: string;
  readonly seconds: number;
  readonly engineFuzz: EngineFuzzFigures;
  readonly machineFuzz: MachineFuzzFigures;
  readonly crashes: readonly CrashFigures[];
  readonly tamper: readonly TamperCell[];
  /** Null when there is no PostgreSQL server (DATABASE_URL unset). */
  readonly cluster: ClusterFigures | null;
}

export const startMarker = '<!-- reliability:start (written by `npm run reliability`; edit scripts/reliability/report.ts instead) -->';
export const endMarker = '<!-- reliability:end -->';

/** Every figure that must be zero and is not, named: an empty list is a passing run. */
export function failures(results: ReliabilityResults): string[] {
  const found: [string, number][] = [
    ['engine fuzz: throws other than StepDownError', results.engineFuzz.otherThrows],
    ['engine fuzz: refusals that changed the case', results.engineFuzz.changedByRefusal],
    ['machine fuzz: throws', results.machineFuzz.throws],
    ['machine fuzz: refusals that changed the case', results.machineFuzz.changedByRefusal],
    ...results.crashes.flatMap((c): [string, number][] => [
      [`kill -9 ${c.store}: acknowledged events lost`, c.lost],
      [`kill -9 ${c.store}: broken trails`, c.brokenTrails],
      [`kill -9 ${c.store}: notifications left undelivered`, c.undelivered],
    ]),
  ];
  if (results.cluster) {
    const c = results.cluster;
    found.push(
      ['cluster: acknowledged events lost', c.acknowledgedLost],
      ['cluster: lost updates', c.lostUpdates],
      ['cluster: notifications undelivered', c.undelivered],
      ['cluster: invalid signatures', c.invalidSignatures],
      ['cluster: messages left in the outbox', c.leftInOutbox],
    );
  }
  return found.filter(([, n]) => n !== 0).map(([what, n]) => `${what}: ${n}`);
}

const n = (value: number) => value.toLocaleString('en-GB');

function tamperTable(cells: readonly TamperCell[]): string[] {
  const columns = [...new Set(cells.map((c) => `${c.store}, ${c.mode}`))];
  const rows = [...new Set(cells.map((c) => c.tampering))];
  const text = (c: TamperCell | undefined) => {
    if (!c) return '—';
    const by = [c.verify && 'V', c.verifyAll && 'A', c.rebuild && 'R', c.nextWrite && 'W'].filter(Boolean).join(' ');
    const accidental = c.how.includes('STORE_FAILURE') ? ' (W: `STORE_FAILURE`)' : '';
    return by === '' ? '**not detected**' : `${by}${accidental}`;
  };
  return [
    `| tampering | ${columns.join(' | ')} |`,
    `| --- |${columns.map(() => ' --- |').join('')}`,
    ...rows.map((row) => `| ${row} | ${columns.map((col) => text(cells.find((c) => c.tampering === row && `${c.store}, ${c.mode}` === col))).join(' | ')} |`),
  ];
}

export function renderSection(results: ReliabilityResults): string {
  const { options: o, engineFuzz: ef, machineFuzz: mf, cluster } = results;
  const failed = failures(results);
  const lines = [
    startMarker,
    '## `npm run reliability`: the latest figures',
    '',
    `Run ${results.date} on ${results.machine}, ${o.short ? 'the short run (`--short`)' : 'the full run'}, in ${n(Math.round(results.seconds))} s. ` +
      (failed.length === 0 ? 'Every figure that must be zero is zero.' : `**Failures:** ${failed.join('; ')}.`),
    '',
    '### Fuzzing',
    '',
    '| target | events | refused | throws (other than `StepDownError` for the engine) | refusals that changed the case |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| engine \`send\` (memory store, 3 cases) | ${n(ef.sent)} | ${n(ef.refused)} | ${ef.otherThrows} | ${ef.changedByRefusal} |`,
    `| bare machine \`transition\` (9 states) | ${n(mf.sent)} | ${n(mf.refused)} | ${mf.throws} | ${mf.changedByRefusal} |`,
    '',
    '### Kill -9 through the engine',
    '',
    "A writer process sends events (two in three accepted, one refused) and appends each event id to a log file of its own after `send` returns; it is killed with SIGKILL a random time after its first acknowledgement. A new engine then opens the store, delivers, and every logged id must be in the case's trail.",
    '',
    '| store | trials | killed after | acknowledged | lost | broken trails | notifications left undelivered |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: |',
    ...results.crashes.map((c) => `| ${c.store} | ${n(c.trials)} | ${c.killedAfterMs[0]}–${c.killedAfterMs[1]} ms | ${n(c.acknowledged)} | ${c.lost} | ${c.brokenTrails} | ${c.undelivered} |`),
    ...(o.databaseUrl ? [] : ['| postgres (server) | not run: DATABASE_URL was not set | | | | | |']),
    '| postgres (PGlite) | not run: PGlite is one process\'s database, so there is no second process to kill and restart against it | | | | | |',
    '',
    '### The tamper matrix',
    '',
    "Each case's trail (16 entries, the last a refusal) is changed where the store keeps it, then: **V** `verifyAuditTrail(entries, { caseId })` on what the store returns fails (or the store refuses to return it), **R** `engine.rebuild` refuses, **W** the engine refuses the next write to the case. The memory store has no medium to edit: its returned trail is replaced, as code in the host's process could; it does not seal. Sealed, a forger cannot open an event to re-hash it, so the forged entries are written in clear.",
    '',
    ...tamperTable(results.tamper),
    '',
    'Without a signing key nothing records where a trail ends or what its last hash is outside the store, so a forger who re-hashes from the changed entry on, or who cuts the last entries, leaves a trail that verifies. Where rebuild notices, it is because the replayed case differs from the stored one (`REBUILD_MISMATCH`), which a removed refusal does not change. `(W: STORE_FAILURE)` is a clash of sequence numbers in the table, not a check.',
    '',
    '### 4 processes and 2 tickers on one PostgreSQL',
    '',
  ];
  if (cluster) {
    const c = cluster;
    lines.push(
      `${c.writers} writer processes sent ${n(c.eventsSent)} events to 3 cases at once (${n(c.accepted)} accepted, ${n(c.refused)} refused, ${n(c.conflictsRetried)} version conflicts retried), while ${c.tickers} tickers ticked ${n(c.ticks)} times and recorded ${n(c.breachesRecorded)} breaches. Every engine delivered to a receiver on 127.0.0.1 that checked each signature with \`standardwebhooks\` and answered every tenth request 503.`,
      '',
      '| acknowledged lost | lost updates | committed notifications | undelivered | redeliveries | refused by the receiver | invalid signatures | left in the outbox |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      `| ${c.acknowledgedLost} | ${c.lostUpdates} | ${n(c.committed)} | ${c.undelivered} | ${n(c.redeliveries)} | ${n(c.refusedByReceiver)} | ${c.invalidSignatures} | ${c.leftInOutbox} |`,
    );
  } else {
    lines.push('Not run: DATABASE_URL was not set.');
  }
  lines.push('', endMarker);
  return lines.join('\n');
}

/** `doc` with its generated section replaced by `section`, or `section` appended when it has none. */
export function withSection(doc: string, section: string): string {
  const start = doc.indexOf(startMarker);
  const end = doc.indexOf(endMarker);
  if (start >= 0 && end > start) return doc.slice(0, start) + section + doc.slice(end + endMarker.length);
  return `${doc.trimEnd()}\n\n${section}\n`;
}
