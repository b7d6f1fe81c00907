/**
 * The commands of `caf-step-down`, loaded by the runner only once the arguments are known to be
 * right, so `--help` and a mistyped option answer at once.
 *
 * @module
 */
import { join } from 'node:path';
import { createCaseEngine } from '../engine/engine.js';
import { withEveryDeadline } from '../engine/deadline-history.js';
import { isStepDownError, StepDownError } from '../errors.js';
import { builtInScenarioDirectory, builtInScenarioNames, resolveScenario } from '../simulator/builtin.js';
import { formatTimeline, wrapText } from '../simulator/format.js';
import { loadScenarioFile, scenarioCases, type LoadedScenario } from '../simulator/scenario.js';
import { scenarioPeople } from '../simulator/scenario-people.js';
import { simulate, type SimulationResult } from '../simulator/simulate.js';
import { exitCodes, output, printable, usage, withNewline, type CliIo, type CliOptions } from './shared.js';
import { openStore, type OpenedStore } from './store.js';

/**
 * Runs a scenario on an opened store. A case id already taken there is a usage error that says
 * how to go on: a simulation never adds events to a case it did not open.
 */
async function simulateOn(opened: OpenedStore, loaded: LoadedScenario, options: CliOptions): Promise<SimulationResult> {
  const caseId = options['case-id'];
  try {
    return await simulate(loaded.scenario, { store: opened.store, source: loaded.source, ...(caseId !== undefined ? { caseId } : {}) });
  } catch (error) {
    if (!isStepDownError(error, 'CASE_EXISTS')) throw error;
    // A family scenario opens a case per child: name the one already there.
    const taken = typeof error.details?.['caseId'] === 'string' ? String(error.details['caseId']) : scenarioCases(loaded.scenario, caseId)[0]!.caseId;
    throw new StepDownError(
      'CASE_EXISTS',
      `Case ${taken} already exists in ${opened.label}: report it by its id, or pass --case-id to run the scenario as another case.`,
    );
  }
}

/**
 * `simulate <scenario>`: runs the scenario on the store `--store` names and prints its timeline,
 * as text or (`--json`) as the {@link simulate} result with the store's label. Exit code 1 when
 * the run does not come out as the scenario expects.
 *
 * @example
 * ```ts
 * const code = await simulateCommand('step-up', { json: true }, io);
 * ```
 */
export async function simulateCommand(target: string, options: CliOptions, io: CliIo): Promise<number> {
  const { scenario, source } = await resolveScenario(target);
  const opened = await openStore(options.store);
  try {
    const result = await simulateOn(opened, { scenario, source }, options);
    if (options.json) {
      io.stdout(`${JSON.stringify({ ...result, store: opened.label }, null, 2)}\n`);
    } else {
      io.stdout(formatTimeline(result, options.ids ? { ids: true } : { people: scenarioPeople(scenario) }));
      if (!opened.ephemeral) {
        const ids = result.scenario.cases.map((c) => c.caseId);
        io.stdout(`Store: ${opened.label} keeps ${ids.length === 1 ? `the case as ${ids[0]}` : `the family ${result.scenario.familyId}'s cases as ${ids.join(', ')}`}.\n`);
      }
    }
    return result.passed ? exitCodes.OK : exitCodes.NOT_AS_EXPECTED;
  } finally {
    await opened.close().catch(() => undefined);
  }
}

const reportFormats = ['md', 'html', 'mermaid'] as const;

/**
 * `report <case id or scenario>`: a case already in the store named by `--store` is reported as it
 * stands; otherwise the argument is a scenario, run first (in memory, or on `--store`). A stored
 * case wins over a scenario of the same name, because re-running a scenario into a store that
 * already holds its case would fail.
 *
 * @example
 * ```ts
 * await reportCommand('review-missed-over-christmas', { format: 'html', out: 'christmas.html' }, io);
 * ```
 */
export async function reportCommand(target: string, options: CliOptions, io: CliIo): Promise<number> {
  const format = options.format ?? 'md';
  if (!(reportFormats as readonly string[]).includes(format)) {
    throw usage(`--format takes ${reportFormats.join(', ')}, not ${printable(format)}`);
  }
  // Loaded only for this command: simulate and list do without them.
  const [{ complianceReport, reportToHtml, reportToMarkdown }, { toMermaidGantt }] = await Promise.all([
    import('../report/index.js'),
    import('../diagram/index.js'),
  ]);
  const opened = await openStore(options.store);
  try {
    const engine = createCaseEngine({ store: opened.store });
    let caseId = target;
    let code: number = exitCodes.OK;
    if (opened.ephemeral || (await opened.store.load(target)) === null) {
      const loaded = await resolveScenario(target).catch((error: unknown) => {
        if (isStepDownError(error, 'INVALID_ARGUMENT') && !/[\\/]/.test(target) && !target.endsWith('.json')) {
          throw new StepDownError(
            'UNKNOWN_CASE',
            opened.ephemeral
              ? `'${printable(target)}' is not a scenario file or a built-in scenario (see caf-step-down list); to report a stored case, give --store.`
              : `No case '${printable(target)}' in ${opened.label}, and no scenario of that name.`,
          );
        }
        throw error;
      });
      const result = await simulateOn(opened, loaded, options);
      caseId = result.scenario.caseId;
      if (!result.passed) {
        io.stderr(`caf-step-down: the scenario did not run as it expects (${result.failures.length} problem(s); see simulate); the report shows the case as it came out.\n`);
        code = exitCodes.NOT_AS_EXPECTED;
      }
    }
    const text =
      format === 'mermaid'
        ? withNewline(toMermaidGantt({ ...(await withEveryDeadline(engine, await engine.get(caseId))), stages: (await complianceReport(engine, caseId)).stages }))
        : format === 'html'
          ? reportToHtml(await complianceReport(engine, caseId))
          : reportToMarkdown(await complianceReport(engine, caseId));
    await output(text, options, io);
    return code;
  } finally {
    await opened.close().catch(() => undefined);
  }
}

/**
 * `diagram`: the statechart of the default policy's machine as a Mermaid state diagram.
 *
 * @example
 * ```ts
 * await diagramCommand({ out: 'statechart.mmd' }, io);
 * ```
 */
export async function diagramCommand(options: CliOptions, io: CliIo): Promise<number> {
  const [{ toMermaid }, { stepDownMachine }] = await Promise.all([import('../diagram/index.js'), import('../machine/machine.js')]);
  await output(withNewline(toMermaid(stepDownMachine)), options, io);
  return exitCodes.OK;
}

/**
 * `list`: the built-in scenarios with their route, expected outcome and breaches, and what each
 * shows; `--json` for machines.
 *
 * @example
 * ```ts
 * await listCommand({}, io);
 * ```
 */
export async function listCommand(options: CliOptions, io: CliIo): Promise<number> {
  const rows = [];
  for (const name of builtInScenarioNames()) {
    const { scenario } = await loadScenarioFile(join(builtInScenarioDirectory(), `${name}.json`));
    rows.push({
      name,
      route: scenario.route,
      outcome: scenario.expect?.outcome ?? null,
      // A family scenario may expect breaches per case: the list names each rule once.
      breaches: [
        ...new Set(
          [scenario.expect?.breaches ?? [], ...Object.values(scenario.expect?.cases ?? {}).map((c) => c.breaches ?? [])]
            .flat()
            .map((b) => (typeof b === 'string' ? b : b.rule)),
        ),
      ],
      description: scenario.description,
    });
  }
  if (options.json) {
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return exitCodes.OK;
  }
  const width = Math.max(...rows.map((r) => r.name.length));
  const lines = ['Built-in scenarios (run one with: caf-step-down simulate <name>)', ''];
  for (const row of rows) {
    const expected = `${row.outcome ?? 'open'}${row.breaches.length > 0 ? `, breach: ${row.breaches.join(', ')}` : ', no breaches'}`;
    lines.push(`  ${row.name.padEnd(width)}  ${row.route}, expects ${expected}`);
    lines.push(...wrapText(row.description, 96).map((line) => `  ${' '.repeat(width)}  ${line}`));
  }
  io.stdout(`${lines.join('\n')}\n`);
  return exitCodes.OK;
}
