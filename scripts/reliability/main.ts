/**
 * `npm run reliability [-- --short] [-- --no-write]`: the fuzzers, the kill -9 trials, the tamper
 * matrix and the PostgreSQL cluster run, with bounded counts (options.ts), then the figures into
 * docs/reliability.md. Exits 1 when a figure that must be zero is not.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { clusterRun } from './cluster.js';
import { fileCrashTrials, postgresCrashTrials, type CrashFigures } from './crash.js';
import { fuzzEngine, fuzzMachine } from './fuzz.js';
import { readOptions } from './options.js';
import { failures, renderSection, withSection } from './report.js';
import { tamperMatrix } from './tamper.js';
import { tamperStores } from './tamper-places.js';

const options = readOptions(process.argv.slice(2), process.env);
const started = Date.now();
const step = async <T>(name: string, run: () => Promise<T> | T): Promise<T> => {
  const at = Date.now();
  process.stdout.write(`reliability: ${name}…\n`);
  const result = await run();
  process.stdout.write(`reliability: ${name} done in ${((Date.now() - at) / 1000).toFixed(1)} s\n`);
  return result;
};

const engineFuzz = await step(`engine fuzz, ${options.engineFuzzEvents} events`, () => fuzzEngine(options.engineFuzzEvents, 20241129));
const machineFuzz = await step(`machine fuzz, ${options.machineFuzzEvents} events`, () => fuzzMachine(options.machineFuzzEvents, 0x5eed_0009));
const crashes: CrashFigures[] = [await step(`kill -9 on the file store, ${options.fileKillTrials} trials`, () => fileCrashTrials(options.fileKillTrials, options.killMaxDelayMs))];
if (options.databaseUrl) {
  const url = options.databaseUrl;
  crashes.push(await step(`kill -9 on PostgreSQL, ${options.postgresKillTrials} trials`, () => postgresCrashTrials(url, options.postgresKillTrials, options.killMaxDelayMs)));
}
const stores = tamperStores(options.databaseUrl);
// The short run keeps one SQL store: the server's when there is one, else PGlite (the same SQL).
const chosen = options.tamperEveryStore ? stores : stores.filter((s, i) => !s.name.startsWith('postgres') || i === stores.length - 1);
for (const unused of stores.filter((s) => !chosen.includes(s))) await unused.end();
const tamper = await step(`tamper matrix on ${chosen.map((s) => s.name).join(', ')}`, () => tamperMatrix(chosen));
const cluster = options.databaseUrl
  ? await step(`4 writers and 2 tickers on PostgreSQL, ${options.clusterEventsPerWriter} events each`, () => clusterRun(options.databaseUrl!, options.clusterEventsPerWriter))
  : null;

const cpus = os.cpus();
const results = {
  options,
  date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  machine: `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}`,
  seconds: (Date.now() - started) / 1000,
  engineFuzz,
  machineFuzz,
  crashes,
  tamper,
  cluster,
};
const section = renderSection(results);
process.stdout.write(`\n${section}\n`);
if (options.write) {
  const path = join(import.meta.dirname, '..', '..', 'docs', 'reliability.md');
  await fs.writeFile(path, withSection(await fs.readFile(path, 'utf8'), section));
  process.stdout.write(`reliability: figures written to docs/reliability.md\n`);
}
const failed = failures(results);
if (failed.length > 0) {
  process.stderr.write(`reliability: FAILED: ${failed.join('; ')}\n`);
  process.exitCode = 1;
}
