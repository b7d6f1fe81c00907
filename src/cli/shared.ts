import { writeFile } from 'node:fs/promises';
import { StepDownError } from '../errors.js';

/** Where the command line writes: standard output and standard error, as functions so tests can capture them. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/**
 * Exit codes. `NOT_AS_EXPECTED` is a run that worked but did not come out as its scenario expects
 * (as a failing test does); `USAGE` is the caller's input (arguments, a file); `FAILURE` is the
 * environment (a store that cannot be reached).
 */
export const exitCodes = { OK: 0, NOT_AS_EXPECTED: 1, USAGE: 2, FAILURE: 3 } as const;

/** The options the command line reads, as `parseArgs` gives them. */
export interface CliOptions {
  readonly json?: boolean;
  readonly store?: string;
  readonly 'case-id'?: string;
  readonly format?: string;
  readonly out?: string;
  /** worklist: only the steps of this role. */
  readonly role?: string;
  /** worklist: only the steps of this person (a Lead Professional's person id). */
  readonly person?: string;
  /** worklist: only the steps due within this many working days, e.g. `5wd`. */
  readonly 'due-within'?: string;
  /** worklist: only the steps whose deadline is already missed. */
  readonly breached?: boolean;
  /** worklist: the London date `--due-within` counts from (default today). */
  readonly today?: string;
  /** serve: the port to listen on (default 8080; 0 for any free port). */
  readonly port?: string;
  /** serve: the address to listen on (default 127.0.0.1). */
  readonly host?: string;
  readonly help?: boolean;
  readonly version?: boolean;
  /** simulate: the developer's timeline, in event types and rule ids, instead of plain English. */
  readonly ids?: boolean;
}

/** A usage error: the caller's arguments are wrong (exit code 2, the help named). */
export class UsageError extends Error {}

/**
 * A {@link UsageError} whose message ends by pointing at the help.
 *
 * @example
 * ```ts
 * throw usage('simulate needs <scenario file or built-in name>');
 * ```
 */
export function usage(message: string): UsageError {
  return new UsageError(`${message}; see caf-step-down --help.`);
}

/**
 * An argument shown back in a message: control characters removed (they could rewrite the
 * terminal), length capped.
 *
 * @example
 * ```ts
 * printable('simulate\u001b[2J'); // => 'simulate[2J'
 * ```
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '');
  return clean.length > 60 ? `${clean.slice(0, 57)}…` : clean;
}

/**
 * The text with exactly one final newline added when it has none.
 *
 * @example
 * ```ts
 * withNewline('gantt'); // => 'gantt\n'
 * ```
 */
export function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/**
 * Writes a command's result to `--out`, or to standard output. A file that cannot be written is
 * `INVALID_ARGUMENT` with the reason in words; a written file is confirmed on standard error, so
 * standard output stays clean for pipes.
 *
 * @example
 * ```ts
 * await output(reportToHtml(report), { out: 'case.html' }, io);
 * ```
 */
export async function output(text: string, options: Pick<CliOptions, 'out'>, io: CliIo): Promise<void> {
  if (options.out === undefined) {
    io.stdout(text);
    return;
  }
  try {
    await writeFile(options.out, text);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const reason =
      code === 'ENOENT' ? 'its directory does not exist'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
      : code === 'EISDIR' ? 'it is a directory'
      : 'it could not be written';
    throw new StepDownError('INVALID_ARGUMENT', `Cannot write ${options.out}: ${reason}.`);
  }
  io.stderr(`caf-step-down: wrote ${options.out}\n`);
}
