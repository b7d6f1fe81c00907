/**
 * Escapes text for HTML element content and quoted attribute values. Everything a report renders
 * goes through it, ids and citations included: a case id is the host's string and may hold anything.
 *
 * @example
 * ```ts
 * escapeHtml('<b>"C-1"</b>'); // => '&lt;b&gt;&quot;C-1&quot;&lt;/b&gt;'
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => htmlEntities[c]!);
}

const htmlEntities: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for a Markdown table cell or inline text: the marks that start inline syntax are
 * backslash-escaped (CommonMark allows it before any ASCII punctuation) — emphasis, code, links,
 * strike-through, `|` so a cell cannot split a table, `<` and `>` so no HTML passes through, `&` so no
 * entity is decoded — and line breaks become spaces so a value cannot start a block. Marks that only
 * mean something at the start of a line (`#`, `+`, `-`) are left alone: the renderer never starts a
 * line with a value, and dates and citations stay readable.
 *
 * @example
 * ```ts
 * escapeMarkdown('a|b <script>'); // => 'a\\|b \\<script\\>'
 * ```
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ').replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`);
}
