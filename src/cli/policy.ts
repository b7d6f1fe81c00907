/**
 * `caf-step-down policy`: the policy woven beside its code, from the `docs/policy.json` the package
 * ships.
 *
 * @module
 */
import { coverageLine } from '../policy-doc/woven.js';
import { loadWovenPolicy } from '../policy-doc/load.js';
import { exitCodes, output, printable, usage, type CliIo, type CliOptions } from './shared.js';

const policyFormats = ['md', 'html'] as const;

/**
 * `policy [--format md|html] [--out <file>]`: each paragraph of the practice guidance and each step
 * of the flowchart with the rules that cite it, as Markdown (the default, what docs/policy.md
 * holds) or one self-contained HTML page. The coverage (paragraphs cited of paragraphs in the
 * texts) is printed on standard error too, so it shows when the page goes to a file or a pipe.
 *
 * @example
 * ```ts
 * await policyCommand({ format: 'html', out: 'policy.html' }, io);
 * ```
 */
export async function policyCommand(options: CliOptions, io: CliIo): Promise<number> {
  const format = options.format ?? 'md';
  if (!(policyFormats as readonly string[]).includes(format)) {
    throw usage(`policy --format takes ${policyFormats.join(', ')}, not ${printable(format)}`);
  }
  const woven = loadWovenPolicy();
  const text =
    format === 'html'
      ? (await import('../policy-doc/html.js')).wovenPolicyToHtml(woven)
      : (await import('../policy-doc/markdown.js')).wovenPolicyToMarkdown(woven);
  await output(text, options, io);
  io.stderr(`caf-step-down: ${coverageLine(woven)}\n`);
  return exitCodes.OK;
}
