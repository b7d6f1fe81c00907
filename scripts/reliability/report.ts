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
  found.push(['tamper matrix: tamperings not detected with a signing key', missedWithKey(results.tamper).length]);
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

/** A column whose engine signs heads. */
const signed = (cell: TamperCell) => cell.mode.startsWith('signed');

/**
 * The cells of a signed column that either auditor's check missed: `verifyAuditTrail` with the head
 * and the public key, or `engine.verifyAll`. Every one is a finding: the target is none.
 */
export function missedWithKey(cells: readonly TamperCell[]): TamperCell[] {
  return cells.filter((c) => signed(c) && !(c.verify && c.verifyAll));
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

/** The paragraphs under the matrix: what is detected without a key and with one, as this run saw it. */
function tamperProse(cells: readonly TamperCell[]): string[] {
  const keyed = cells.filter(signed);
  const missed = missedWithKey(cells);
  const withKey =
    keyed.length === 0
      ? 'No signed column ran.'
      : missed.length === 0
        ? `**With an Ed25519 signing key every tampering was detected**: all ${keyed.length} signed cells by both \`verifyAuditTrail\` (with the head and the public key) and \`engine.verifyAll()\`. A change inside the trail breaks the chain, as without a key; a head the forger rewrote fails its signature (\`signature\`); a head left as it was no longer matches the trail's end or the version (\`truncated\`, \`forged\`, \`version\`).`
        : `**Findings: ${missed.length} of ${keyed.length} signed cells were not detected by both checks**: ${missed.map((c) => `${c.tampering} (${c.store}, ${c.mode}: ${c.verify ? '' : 'V '}${c.verifyAll ? '' : 'A '}missed)`).join('; ')}.`;
  const storeFailure = cells.some((c) => c.how.includes('STORE_FAILURE'));
  return [
    "Without a key, `verifyAuditTrail` on the trail alone catches what breaks the chain: an edit in place, a removal, a reorder, an insertion, another case's entries. The head each store keeps is the store's own word, unsigned: `verifyAll` and the next write hold the trail to it, so a cut or rewritten end is caught while the head is left as it was. A forger who also moves the head (and the version) to match is caught only where the replay differs from the stored case (`REBUILD_MISMATCH`), or, sealed, where a snapshot sealed for the case's version no longer opens (`DECRYPTION_FAILED`): a removed refusal, or forged entries that replay the same, are **not detected** without a key.",
    '',
    withKey,
    '',
    "The next write is refused wherever the trail's end or the version no longer matches the head; a change inside the trail (before its last entry) leaves the end as the head records it, so only a verification finds it. On the memory store the replaced trail is seen by reads only, so its writes go on (or conflict on a version edited in what `load` returns)." +
      (storeFailure ? ' `(W: STORE_FAILURE)` is a clash of sequence numbers in the table, not a check.' : ''),
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
    'The target: zero acknowledged events lost, zero notifications lost, and every tampering detected with a signing key.',
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
    "Each case's trail (16 entries, the last a refusal) is changed where the store keeps it and, in the rows that say so, what the case's file or row records beside it: its head (moved to the trail's new end with its old signature kept: the forger has the disk or the database, never the key), its last entry, its version. Then: **V** `verifyAuditTrail` on what the store returns fails (or the store refuses to return it): without a key `verifyAuditTrail(entries, { caseId })`, the trail alone; with a key `verifyAuditTrail(entries, { caseId, head, version, key: publicKey, keyName })`, with the head and version the store gives and the Ed25519 public key. **A** `engine.verifyAll()` reports the case. **R** `engine.rebuild` refuses. **W** the engine refuses the next write to the case (`AUDIT_TRAIL_BROKEN` where the trail's end no longer matches the case's head), writing nothing. The `signed` columns are engines made with `audit: { signingKey, keyName }` (an Ed25519 private key). The memory store has no medium to edit: the trail and case it returns are replaced, as code in the host's process could, while its writes still see its own; it does not seal. Sealed, a forger cannot open an event to re-hash it, so the forged entries are written in clear.",
    '',
    ...tamperTable(results.tamper),
    '',
    ...tamperProse(results.tamper),
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
