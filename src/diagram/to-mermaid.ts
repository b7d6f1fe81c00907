import type { AnyStateMachine } from 'xstate';
import { toDirectedGraph, type DirectedGraphEdge, type DirectedGraphNode } from 'xstate/graph';
import { StepDownError } from '../errors.js';
import { guardTerms } from './guard-terms.js';

/** Options of {@link toMermaid}. */
export interface MermaidStatechartOptions {
  /**
   * Repeat on every arrow the guards that every transition carries (in the step-down machine,
   * valid-event, division-of-duties, own-cases-only, step-sequence and people-on-record). Off by default: they are said once, in a comment at
   * the top, so each label shows what is particular to its step.
   */
  readonly showSharedGuards?: boolean;
}

type StateNode = DirectedGraphNode['stateNode'];

interface Edge {
  readonly source: StateNode;
  readonly target: StateNode;
  readonly event: string;
  readonly guards: readonly string[];
  /** An eventless (`always`) transition: taken at once when its guard holds, on no event. */
  readonly eventless: boolean;
}

/** The label of an eventless transition: xstate's own word for it. */
const eventlessLabel = 'always';

/**
 * The statechart of a machine as a Mermaid `stateDiagram-v2`, generated from the machine itself
 * (xstate's `toDirectedGraph`), so the picture cannot drift from the behaviour.
 *
 * - Every state node is drawn under its own key; a state with children is a composite state, and
 *   the regions of a parallel state are separated by `--`.
 * - Each compound state starts at `[*]`; each final state ends at `[*]`.
 * - Each transition is an arrow labelled `event [guard, …]`, the guard's terms being the rule ids
 *   of the machine's `and([...])` guards. A transition without a target (it records something and
 *   stays) is drawn as a loop. Transitions between the same two states share one arrow, one label
 *   line each, so a busy state stays legible.
 * - An eventless transition (xstate's `always`, taken at once when its guard holds) is labelled
 *   `always [guard, …]`: in the step-down machine, a step down to universal services passing by the
 *   Lead Professional and the e-CAF referral. Such a transition checks no event, so it neither
 *   carries nor counts towards the guards every transition shares.
 *
 * The output depends only on the machine's config, in its own order: the same machine gives the
 * same text, byte for byte, which is what lets `docs/statechart.md` be checked for staleness.
 *
 * @example
 * ```ts
 * import { stepDownMachine, toMermaid } from 'caf-step-down';
 *
 * const diagram = toMermaid(stepDownMachine);
 * // stateDiagram-v2
 * //   %% Every transition is also guarded by: valid-event, division-of-duties, own-cases-only, step-sequence, people-on-record
 * //   state "step-down" as step_down {
 * //     [*] --> withChildrensSocialCare
 * //     …
 * //     decision --> preparation : decision.agreed
 * ```
 */
export function toMermaid(machine: AnyStateMachine, options: MermaidStatechartOptions = {}): string {
  const graph = toDirectedGraph(machine);
  const edges = collectEdges(graph);
  const shared = options.showSharedGuards ? [] : commonGuards(edges);
  // An eventless transition has no event to check: it shows its own guard whole.
  const particular = (edge: Edge) => (edge.eventless ? edge.guards : edge.guards.filter((g) => !shared.includes(g)));
  const ids = mermaidIds(graph);
  const id = (node: StateNode) => ids.get(node)!;

  // Mermaid keeps a state in the last block that mentions it and cannot draw an arrow between
  // states of different composites (its documented limit): an arrow from a state deep inside a
  // composite to one outside drags the inner state out of its box. So each arrow is written in the
  // innermost composite that holds both its ends, between the two children of that composite that
  // contain them, and its label names the inner state it really leaves or enters.
  const arrowsIn = new Map<StateNode | null, Map<string, { source: StateNode; target: StateNode; labels: string[] }>>();
  for (const edge of edges) {
    const container = innermostCommonAncestor(edge.source, edge.target);
    const source = childOf(container, edge.source);
    const target = childOf(container, edge.target);
    const byPair = arrowsIn.get(container) ?? new Map();
    arrowsIn.set(container, byPair);
    const key = `${id(source)} ${id(target)}`;
    const arrow = byPair.get(key) ?? { source, target, labels: [] };
    byPair.set(key, arrow);
    const text = label(edge.event, particular(edge));
    const from = source === edge.source ? '' : ` from ${relativePath(source, edge.source)}`;
    const to = target === edge.target ? '' : ` to ${relativePath(target, edge.target)}`;
    arrow.labels.push(`${text}${from}${to}`);
  }

  const arrowLines = (container: StateNode | null): string[] =>
    [...(arrowsIn.get(container)?.values() ?? [])].map(
      // `<br/>` is Mermaid's line break inside a label: one line per transition.
      (arrow) => `${id(arrow.source)} --> ${id(arrow.target)} : ${arrow.labels.join('<br/>')}`,
    );

  const declare = (node: StateNode): string[] => {
    // A key Mermaid can take as an id is written as it is; any other is shown as a label.
    const head = id(node) === node.key ? `state ${node.key}` : `state "${node.key}" as ${id(node)}`;
    if (Object.keys(node.states).length === 0) return [id(node) === node.key ? node.key : head];
    return [`${head} {`, ...indent(inside(node)), '}'];
  };

  const inside = (node: StateNode): string[] => {
    const children = Object.values(node.states) as StateNode[];
    const lines: string[] = [];
    if (node.type === 'parallel') {
      children.forEach((region, index) => {
        if (index > 0) lines.push('--');
        lines.push(...declare(region));
      });
    } else {
      const initial = node.initial?.target[0];
      if (initial) lines.push(`[*] --> ${id(initial)}`);
      for (const child of children) lines.push(...declare(child));
    }
    lines.push(...arrowLines(node));
    for (const child of children) if (child.type === 'final') lines.push(`${id(child)} --> [*]`);
    return lines;
  };

  const header = ['stateDiagram-v2', `  %% Generated from the machine '${graph.stateNode.id}' by toMermaid(); do not edit by hand.`];
  if (shared.length > 0) header.push(`  %% Every transition is also guarded by: ${shared.join(', ')}`);
  return [...header, ...indent([...declare(graph.stateNode), ...arrowLines(null)]), ''].join('\n');
}

/**
 * The guard terms every transition on an event carries (for the step-down machine, the valid
 * event and the rules every event passes: division-of-duties, own-cases-only, step-sequence,
 * people-on-record): what {@link toMermaid} leaves off each label and says once instead. Eventless
 * (`always`) transitions are left out of the count. Empty when some transition lacks them all.
 *
 * @example
 * ```ts
 * sharedGuards(stepDownMachine);
 * // => ['valid-event', 'division-of-duties', 'own-cases-only', 'step-sequence', 'people-on-record']
 * ```
 */
export function sharedGuards(machine: AnyStateMachine): string[] {
  return commonGuards(collectEdges(toDirectedGraph(machine)));
}

function collectEdges(node: DirectedGraphNode): Edge[] {
  // xstate's directed graph leaves out eventless transitions; they are read from the state node.
  const always = (node.stateNode.always ?? []).flatMap((transition) =>
    (transition.target ?? [node.stateNode]).map((target) => ({
      source: node.stateNode,
      target: target as StateNode,
      event: eventlessLabel,
      guards: guardTerms(transition.guard),
      eventless: true,
    })),
  );
  return [
    ...node.edges.map((edge: DirectedGraphEdge) => ({
      source: edge.source,
      target: edge.target,
      event: edge.transition.eventType,
      guards: guardTerms(edge.transition.guard),
      eventless: false,
    })),
    ...always,
    ...node.children.flatMap(collectEdges),
  ];
}

function commonGuards(edges: readonly Edge[]): string[] {
  const [first, ...rest] = edges.filter((edge) => !edge.eventless);
  if (!first) return [];
  return first.guards.filter((term) => rest.every((edge) => edge.guards.includes(term)));
}

function label(event: string, guards: readonly string[]): string {
  return guards.length === 0 ? event : `${event} [${guards.join(', ')}]`;
}

/**
 * The deepest state that holds both ends of an arrow strictly inside it, or null for the top of
 * the diagram. A loop on a composite state is drawn in that state's parent, outside its box.
 */
function innermostCommonAncestor(a: StateNode, b: StateNode): StateNode | null {
  const above = (node: StateNode): StateNode[] => {
    const chain: StateNode[] = [];
    for (let parent = node.parent; parent; parent = parent.parent) chain.unshift(parent);
    return chain;
  };
  const left = above(a);
  const right = above(b);
  let common: StateNode | null = null;
  for (let i = 0; i < Math.min(left.length, right.length) && left[i] === right[i]; i += 1) common = left[i]!;
  return common;
}

/** The child of `container` (the top of the diagram when null) that is `node` or holds it. */
function childOf(container: StateNode | null, node: StateNode): StateNode {
  let child = node;
  while (child.parent && child.parent !== container) child = child.parent;
  return child;
}

/** A state's dotted path below `ancestor`, e.g. `preparation.noLeadProfessionalFound`. */
function relativePath(ancestor: StateNode, node: StateNode): string {
  return node.path.slice(ancestor.path.length).join('.');
}

/**
 * Mermaid ids: a state's own key where it is unique in the machine (so the source reads like the
 * machine), else its dotted path; either way with anything but letters, digits and `_` made `_`,
 * because Mermaid reads `-` and `.` as syntax. Two states that still clash are an error rather than
 * a silently merged box.
 */
function mermaidIds(graph: DirectedGraphNode): Map<StateNode, string> {
  const nodes: StateNode[] = [];
  const walk = (node: DirectedGraphNode) => {
    nodes.push(node.stateNode);
    node.children.forEach(walk);
  };
  walk(graph);
  const keyCount = new Map<string, number>();
  for (const node of nodes) keyCount.set(node.key, (keyCount.get(node.key) ?? 0) + 1);
  const ids = new Map<StateNode, string>();
  const taken = new Map<string, StateNode>();
  for (const node of nodes) {
    const name = keyCount.get(node.key) === 1 ? node.key : node.id;
    const id = name.replace(/[^A-Za-z0-9_]/g, '_');
    const clash = taken.get(id);
    if (clash) {
      throw new StepDownError(
        'INVALID_ARGUMENT',
        `States '${clash.id}' and '${node.id}' would share the Mermaid id '${id}': rename one of them.`,
      );
    }
    taken.set(id, node);
    ids.set(node, id);
  }
  return ids;
}

function indent(lines: readonly string[]): string[] {
  return lines.map((line) => `  ${line}`);
}
