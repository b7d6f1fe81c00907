/**
 * Pictures of the policy and of a case, as Mermaid text: the statechart generated from the machine
 * itself, and one case's deadlines as a Gantt chart.
 *
 * @module
 */
export { toMermaid } from './to-mermaid.js';
export type { MermaidStatechartOptions } from './to-mermaid.js';
export { toMermaidGantt } from './to-mermaid-gantt.js';
export type { GanttCase, GanttStage } from './to-mermaid-gantt.js';
