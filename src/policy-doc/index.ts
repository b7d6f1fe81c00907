export { wovenPolicySchema, wovenParagraphSchema, wovenRuleSchema } from './woven.js';
export type { WovenPolicy, WovenParagraph, WovenRule } from './woven.js';
export { wovenPolicyToMarkdown } from './markdown.js';
export { wovenPolicyToHtml } from './html.js';
export { loadWovenPolicy } from './load.js';
