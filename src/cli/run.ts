import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isStepDownError } from '../errors.js';
import { packageRoot } from '../simulator/package-root.js';
import { helpText } from './help.js';
import { exitCodes, printable, usage, UsageError, type CliIo, type CliOptions } from './shared.js';
import { storeSpecHelp } from './store-spec.js';

export { exitCodes } from './shared.js';
export type { CliIo } from './shared.js';

/** Each command and the options it takes; anything else is a usage error naming the option. */
const commandOptions = {
  simulate: ['json', 'store', 'case-id', 'ids'],
  report: ['format', 'out', 'store', 'case-id'],
  diagram: ['out'],
  list: ['json'],
  worklist: ['store', 'role', 'person', 'due-within', 'breached', 'today', 'json'],
  verify: ['store', 'json'],
  serve: ['store', 'port', 'host'],
  caseload: ['store', 'role', 'out'],
  help: [],
  policy: ['format', 'out'],
} as const satisfies Record<string, readonly string[]>;

type Command = keyof typeof commandOptions;

/**
 * Runs the `caf-step-down` command line with the given arguments (without `node` and the script)
 * and returns the exit code. Never throws and never prints a stack trace: every failure is one line
 * on standard error that says what to do, because the people running it are practitioners and
 * managers as much as developers. `CAF_STEP_DOWN_DEBUG=1` adds the stack of an unexpected error.
 *
 * @example
 * ```ts
 * const code = await runCli(['simulate', 'straightforward', '--json'], { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    return reportError(error, io);
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(argv);
  if (values.version) {
    io.stdout(`${packageVersion()}\n`);
    return exitCodes.OK;
  }
  const [commandName, ...rest] = positionals;
  if (values.help || commandName === undefined || commandName === 'help') {
    io.stdout(helpText(commandName === 'help' ? rest[0] : commandName));
    return exitCodes.OK;
  }
  if (!(commandName in commandOptions)) {
    throw usage(`unknown command '${printable(commandName)}'; the commands are ${Object.keys(commandOptions).filter((c) => c !== 'help').join(', ')}`);
  }
  const command = commandName as Command;
  checkOptions(command, values);
  switch (command) {
    case 'simulate': {
      const target = expectOne(rest, 'simulate', '<scenario file or built-in name>');
      return (await import('./commands.js')).simulateCommand(target, values, io);
    }
    case 'report': {
      const target = expectOne(rest, 'report', '<case id or scenario>');
      return (await import('./commands.js')).reportCommand(target, values, io);
    }
    case 'diagram':
      expectNone(rest, 'diagram');
      return (await import('./commands.js')).diagramCommand(values, io);
    case 'list':
      expectNone(rest, 'list');
      return (await import('./commands.js')).listCommand(values, io);
    case 'worklist':
      expectNone(rest, 'worklist');
      return (await import('./worklist.js')).worklistCommand(values, io);
    case 'verify':
      expectNone(rest, 'verify');
      return (await import('./verify.js')).verifyCommand(values, io);
    case 'serve':
      expectNone(rest, 'serve');
      return (await import('./serve.js')).serveCommand(values, io);
    case 'caseload':
      expectNone(rest, 'caseload');
      return (await import('./caseload.js')).caseloadCommand(values, io);
    case 'help':
      io.stdout(helpText(rest[0]));
      return exitCodes.OK;
    case 'policy':
      expectNone(rest, 'policy');
      return (await import('./policy.js')).policyCommand(values, io);
  }
}

function parseCommandLine(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        store: { type: 'string' },
        'case-id': { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        role: { type: 'string' },
        person: { type: 'string' },
        'due-within': { type: 'string' },
        breached: { type: 'boolean' },
        today: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        ids: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    // node's messages are long and suggest `--` tricks; say what is wrong and where to look.
    const code = (error as { code?: unknown }).code;
    const option = /'(-{1,2}[^'\s]*)/.exec(String((error as Error).message))?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw usage(`unknown option ${printable(option ?? '')}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw usage(`option ${printable(option ?? '')} needs a value`);
    throw usage('the arguments could not be read');
  }
}

function checkOptions(command: Command, values: CliOptions): void {
  const allowed: readonly string[] = commandOptions[command];
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || name === 'help' || name === 'version') continue;
    if (!allowed.includes(name)) throw usage(`${command} does not take --${name}`);
  }
  if (values.store !== undefined && values.store.trim() === '') throw usage(`--store takes ${storeSpecHelp}`);
}

function expectOne(rest: readonly string[], command: string, what: string): string {
  if (rest.length === 0) throw usage(`${command} needs ${what}`);
  if (rest.length > 1) throw usage(`${command} takes one ${what}, not ${rest.length}`);
  return rest[0]!;
}

function expectNone(rest: readonly string[], command: string): void {
  if (rest.length > 0) throw usage(`${command} takes no arguments`);
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    io.stderr(`caf-step-down: ${oneLine(error.message)}\n`);
    return exitCodes.USAGE;
  }
  if (isStepDownError(error)) {
    io.stderr(`caf-step-down: ${oneLine(error.message)}\n`);
    const usageCodes = ['INVALID_INPUT', 'INVALID_ARGUMENT', 'INVALID_EVENT', 'INVALID_DATE', 'CASE_EXISTS', 'UNKNOWN_CASE', 'CALENDAR_OUT_OF_RANGE'];
    return usageCodes.includes(error.code) ? exitCodes.USAGE : exitCodes.FAILURE;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`caf-step-down: unexpected error: ${oneLine(message)}\n`);
  if (process.env.CAF_STEP_DOWN_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return exitCodes.FAILURE;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function packageVersion(): string {
  try {
    // Read at run time so the version printed is the installed package's.
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
