#!/usr/bin/env node
/**
 * The `caf-step-down` command (the package's `bin`). Everything is in {@link runCli}; this file only
 * connects it to the process, so the runner can be tested without spawning one.
 *
 * @module
 */
import { runCli } from './run.js';

// No top-level await: the same file is also built as CommonJS, where it is not allowed.
void runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then((code) => {
  // exitCode, not exit(): let stdout drain first when it is a pipe.
  process.exitCode = code;
});
