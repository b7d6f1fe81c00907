import { escapeHtml as esc } from '../report/escape.js';
import { coverageLine, sectionsOf, type WovenParagraph, type WovenPolicy, type WovenRule } from './woven.js';

/**
 * Inline, so the page is one file to open, mail or archive. Whether a paragraph is cited is always
 * written out in words as well as marked by colour, so it survives print and colour blindness.
 */
const css = `
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --uncited: #a40e26; --accent: #0550ae; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f6f8fa; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 8px; z-index: 1; }
header, main { max-width: 1000px; margin: 0 auto; padding: 16px 24px; background: #fff; }
h1 { font-size: 1.7rem; margin: 8px 0; } h2 { font-size: 1.35rem; margin: 40px 0 8px; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.15rem; margin: 28px 0 8px; } h4 { font-size: 1rem; margin: 20px 0 6px; }
blockquote { margin: 0 0 8px; padding: 8px 16px; border-left: 4px solid var(--accent); background: #f6f8fa; }
blockquote p { margin: 0; }
article.uncited blockquote { border-left-color: var(--uncited); }
p.uncited { color: var(--uncited); }
ul.rules { padding-left: 20px; } ul.rules > li { margin: 6px 0; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.88em; overflow-wrap: anywhere; }
.kind { display: inline-block; border: 1px solid currentColor; border-radius: 999px; padding: 0 8px; font-size: 0.8rem; color: var(--muted); }
.where, details { color: var(--muted); font-size: 0.9rem; }
details summary { cursor: pointer; }
a { color: var(--accent); } a:focus, summary:focus { outline: 3px solid #ffb000; outline-offset: 2px; }
nav ol { columns: 2; font-size: 0.9rem; }
`;

/**
 * The woven policy as one self-contained, accessible HTML page: a contents list, the coverage, and
 * each paragraph of the texts in order, quoted, with the rules that cite it (kind, summary, where
 * enforced, the tests that prove it, folded) or, for a paragraph no rule cites, the reason given in
 * docs/decisions.md. Everything rendered is escaped.
 *
 * @example
 * ```ts
 * writeFileSync('policy.html', wovenPolicyToHtml(loadWovenPolicy()));
 * ```
 */
export function wovenPolicyToHtml(woven: WovenPolicy): string {
  const rules = new Map(woven.rules.map((r) => [r.id, r]));
  const groups = sectionsOf(woven);
  const body: string[] = [];
  const contents: string[] = [];
  let source: 'G' | 'F' | null = null;
  for (const group of groups) {
    if (group.source !== source) {
      if (source !== null) body.push('</section>');
      source = group.source;
      const id = source === 'G' ? 'guidance' : 'flowchart';
      const title = source === 'G' ? `Practice guidance: ${woven.titles.guidance}` : `Flowchart: ${woven.titles.flowchart}`;
      body.push(`<section aria-labelledby="${id}"><h2 id="${id}">${esc(title)}</h2>`);
    }
    if (group.source === 'G') {
      const id = anchor(`G ${group.section}`);
      contents.push(`<li><a href="#${id}">${esc(group.section)}</a></li>`);
      body.push(`<h3 id="${id}">${esc(group.section)}</h3>`);
      for (const p of group.paragraphs) body.push(paragraphHtml(p, rules, 'h4', p.ref));
    } else {
      for (const p of group.paragraphs) {
        contents.push(`<li><a href="#${anchor(p.ref)}">${esc(`${p.ref}: ${p.section}`)}</a></li>`);
        body.push(paragraphHtml(p, rules, 'h3', `${p.ref}: ${p.section}`));
      }
    }
  }
  if (source !== null) body.push('</section>');
  const uncited = woven.paragraphs.filter((p) => p.rules.length === 0);
  const { all } = woven.coverage;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The policy beside its code</title>
<style>${css}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the policy</a>
<header>
<h1>The policy beside its code</h1>
<p>Each paragraph of the practice guidance and each step of the flowchart, followed by the rules of the code that cite it: what kind of rule, what it asks, where the code enforces it and the tests that prove it.</p>
<p><strong>Coverage:</strong> ${esc(coverageLine(woven))} <meter min="0" max="${all.total}" value="${all.cited}" aria-label="Paragraphs cited">${all.cited} of ${all.total}</meter></p>
<p>${uncited.length === 0 ? 'Every paragraph is cited by a rule.' : `Not cited by any rule: ${uncited.map((p) => `<a href="#${anchor(p.ref)}">${esc(p.ref)}</a>`).join('; ')}.`}</p>
<nav aria-label="Contents"><h2>Contents</h2><ol>${contents.join('')}</ol></nav>
</header>
<main id="main">
${body.join('\n')}
</main>
</body>
</html>
`;
}

function paragraphHtml(p: WovenParagraph, rules: ReadonlyMap<string, WovenRule>, heading: 'h3' | 'h4', title: string): string {
  const id = anchor(p.ref);
  const quote = `<blockquote><p>${p.text.split('\n').map(esc).join('<br>')}</p></blockquote>`;
  if (p.rules.length === 0) {
    const why = p.uncitedReason === null ? 'docs/decisions.md gives no reason.' : `Why (docs/decisions.md): ${withCode(p.uncitedReason)}`;
    return `<article class="uncited" aria-labelledby="${id}"><${heading} id="${id}">${esc(title)}</${heading}>${quote}<p class="uncited"><strong>No rule cites this paragraph.</strong> ${why}</p></article>`;
  }
  const items = p.rules.map((ruleId) => ruleHtml(rules.get(ruleId)!)).join('');
  const count = p.rules.length === 1 ? '1 rule' : `${p.rules.length} rules`;
  return `<article aria-labelledby="${id}"><${heading} id="${id}">${esc(title)}</${heading}>${quote}<p>Cited by ${count}:</p><ul class="rules">${items}</ul></article>`;
}

function ruleHtml(rule: WovenRule): string {
  const where = rule.enforcedIn.length === 0 ? '<strong>nowhere</strong>' : rule.enforcedIn.map((f) => `<code>${esc(f)}</code>`).join(', ');
  const tests =
    rule.tests.length === 0
      ? '<p class="where"><strong>No tests.</strong></p>'
      : `<details><summary>Tests that prove it (${rule.tests.length})</summary><ul>${rule.tests.map((t) => `<li>${esc(t)}</li>`).join('')}</ul></details>`;
  return `<li><code>${esc(rule.id)}</code> <span class="kind">${esc(rule.kind)}</span> ${esc(rule.summary)}<div class="where">Enforced in: ${where}</div>${tests}</li>`;
}

/** An id for a paragraph or section: its reference in lower case, runs of anything else as one dash. */
function anchor(ref: string): string {
  return ref.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** docs/decisions.md's words escaped, its `code spans` kept as code. */
function withCode(markdown: string): string {
  return esc(markdown).replace(/`([^`]+)`/g, '<code>$1</code>');
}
