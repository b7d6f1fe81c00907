import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { and, createMachine, not, or, setup, stateIn } from 'xstate';
import { getStateNodes } from 'xstate/graph';
import { describe, expect, it } from 'vitest';
import {
  createStepDownMachine,
  definePolicy,
  eventTypes,
  isStepDownError,
  outcomes,
  stepDownMachine,
  toMermaid,
} from '../../src/index.js';
import { gatesFor } from '../../src/machine/gates.js';
import { sharedGuards } from '../../src/diagram/to-mermaid.js';

const diagram = toMermaid(stepDownMachine);
const lines = diagram.split('\n').map((line) => line.trim());

/** Every label line of every arrow: `a --> b : l1<br/>l2` gives l1 and l2. */
const labels = lines
  .filter((line) => line.includes(' --> ') && line.includes(' : '))
  .flatMap((line) => line.slice(line.indexOf(' : ') + 3).split('<br/>'));

/**
 * Mermaid keeps a state in the last block that names it, so an arrow may only join states declared
 * in its own block. Walks the blocks and returns every arrow that breaks this.
 */
function arrowsLeavingTheirBlock(text: string): string[] {
  interface Block {
    readonly declared: Set<string>;
    readonly arrows: string[][];
  }
  const blocks: Block[] = [];
  const stack: Block[] = [];
  const open = () => {
    const block: Block = { declared: new Set(), arrows: [] };
    blocks.push(block);
    stack.push(block);
  };
  open();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const composite = /^state (?:"[^"]*" as )?(\S+) \{$/.exec(line);
    const declared = /^state (?:"[^"]*" as )?(\S+)$/.exec(line) ?? /^([A-Za-z_]\w*)$/.exec(line);
    const arrow = /^(\S+) --> (\S+)/.exec(line);
    if (composite) {
      stack.at(-1)!.declared.add(composite[1]!);
      open();
    } else if (line === '}') {
      stack.pop();
    } else if (arrow) {
      stack.at(-1)!.arrows.push([line, arrow[1]!, arrow[2]!]);
    } else if (declared && line !== 'stateDiagram-v2') {
      stack.at(-1)!.declared.add(declared[1]!);
    }
  }
  return blocks.flatMap((block) =>
    block.arrows
      .filter(([, from, to]) => [from!, to!].some((end) => end !== '[*]' && !block.declared.has(end)))
      .map(([line]) => line!),
  );
}

describe('toMermaid: the statechart from the machine', () => {
  it('is a Mermaid state diagram', () => {
    expect(lines[0]).toBe('stateDiagram-v2');
  });

  it('draws every state node of the machine under its own key', () => {
    const nodes = getStateNodes(stepDownMachine.root);
    expect(nodes.length).toBeGreaterThan(25);
    for (const node of [stepDownMachine.root, ...nodes]) {
      const key = node.key;
      const declared = lines.some(
        (line) => line === key || line === `state ${key} {` || line.startsWith(`state "${key}" as `),
      );
      expect(declared, `state ${node.id}`).toBe(true);
    }
  });

  it('labels an arrow with every event of the vocabulary but event.voided and policy.adopted, which the engine handles and the machine ignores', () => {
    const events = new Set(labels.map((label) => label.split(' ')[0]));
    for (const type of eventTypes.filter((t) => t !== 'event.voided' && t !== 'policy.adopted')) expect(events, type).toContain(type);
    expect(events).not.toContain('event.voided');
    expect(events).not.toContain('policy.adopted');
  });

  it('labels each transition with the rule ids of its guard, the shared ones said once', () => {
    // Every transition first checks the event is valid (the machine trusts no event), then the four rules every event passes.
    const shared = ['valid-event', 'division-of-duties', 'own-cases-only', 'step-sequence', 'people-on-record'];
    expect(sharedGuards(stepDownMachine)).toEqual(shared);
    expect(diagram).toContain(`%% Every transition is also guarded by: ${shared.join(', ')}`);
    for (const type of eventTypes.filter((t) => t !== 'event.voided' && t !== 'policy.adopted')) {
      const particular = gatesFor[type].filter((rule) => !shared.includes(rule));
      const expected = particular.length === 0 ? type : `${type} [${particular.join(', ')}`;
      expect(labels.some((label) => label.startsWith(expected)), expected).toBe(true);
    }
    expect(labels).toContain(
      'finalMeeting.held [views-recorded, informed-consent, lead-professional-identified, no-open-disagreement, final-meeting-kind, destination-plan, smart-family-plan]',
    );
    // Guards that read the event, beside the rules: which way a disagreement ended, which meeting was held.
    expect(labels).toContain('disagreement.resolved [withdraws-step-down] from preparation');
    expect(labels).toContain('familyPlanMeeting.held [caf-closure-all-actions-met, is-final-family-plan-meeting]');
    // Issue 10: a return that reconvenes the meeting, and a version-1 case's ladder's end.
    expect(labels).toContain('stepDown.returned [separation-of-duties, reconvenes] from managerReview');
    expect(labels).toContain('noLeadProfessional.recorded [lead-professional-change, rules-version-1] from preparation.noLeadProfessionalFound');
  });

  it('draws the eventless transitions with their own guards: a step down to universal services passes by the Lead Professional and the e-CAF referral', () => {
    expect(lines).toContain('seekingLeadProfessional --> leadProfessionalNotNeeded : always [to-universal-services]');
    expect(lines).toContain('referral --> closureSummary : always [to-universal-services]');
    expect(labels).toContain('always [lead-professional-on-file]');
    // Not counted among the guards every transition shares: they check no event.
    expect(sharedGuards(stepDownMachine)).toContain('valid-event');
  });

  it('destination: every way to universal services passes the closure to CSC, except the ladder’s end of a version-1 case and the ladder’s end under the CAF', () => {
    const arrow = lines.find((line) => line.startsWith('withChildrensSocialCare --> universal_services : '))!;
    expect(arrow.slice(arrow.indexOf(' : ') + 3).split('<br/>')).toEqual([
      'noLeadProfessional.recorded [lead-professional-change, rules-version-1] from preparation.noLeadProfessionalFound',
      'csc.closed [no-open-disagreement, informed-consent, to-universal-services] from closure.closing',
    ]);
    expect(lines).toContain('noLeadProfessionalFound --> leadProfessionalNotNeeded : noLeadProfessional.recorded [lead-professional-change]');
    expect(lines).toContain('underCaf --> universal_services : noLeadProfessional.recorded [lead-professional-change]');
  });

  it('repeats the shared guards on every arrow when asked', () => {
    const full = toMermaid(stepDownMachine, { showSharedGuards: true });
    expect(full).not.toContain('%% Every transition');
    expect(full).toContain(
      'decision --> preparation : decision.agreed [valid-event, division-of-duties, own-cases-only, step-sequence, people-on-record]',
    );
  });

  it('draws nesting as composite states, the parallel regions split by --, and the outcomes as ends', () => {
    expect(lines).toContain('state withChildrensSocialCare {');
    expect(lines).toContain('state preparation {');
    const underCaf = lines.indexOf('state underCaf {');
    const ehm = lines.indexOf('state ehm {');
    const separator = lines.indexOf('--', underCaf);
    const familyPlan = lines.indexOf('state familyPlan {');
    expect(underCaf).toBeLessThan(ehm);
    expect(ehm).toBeLessThan(separator);
    expect(separator).toBeLessThan(familyPlan);
    expect(lines).toContain('[*] --> decision');
    for (const outcome of outcomes) expect(lines).toContain(`${outcome.replace(/-/g, '_')} --> [*]`);
    expect(lines).toContain(`state "caf-closed" as caf_closed`);
  });

  it('never draws an arrow Mermaid would use to pull a state out of its box', () => {
    expect(arrowsLeavingTheirBlock('stateDiagram-v2\n  state a {\n    b\n  }\n  c\n  b --> c')).toEqual(['b --> c']);
    expect(arrowsLeavingTheirBlock(diagram)).toEqual([]);
    // The arrow from deep inside is drawn from the box and names the state it really leaves.
    expect(lines).toContain(
      'withChildrensSocialCare --> underCaf : csc.closed [no-open-disagreement, informed-consent] from closure.closing',
    );
    expect(lines).toContain('withChildrensSocialCare --> transferred_out : case.transferredOut');
    expect(lines).toContain('closure --> preparation : stepDown.returned [separation-of-duties, reconvenes] from managerReview');
  });

  it('draws a step that records and stays as a loop, one label line per transition', () => {
    // The clock, the calendar and the people of the case are taken in every open state.
    expect(lines).toContain('step_down --> step_down : clock.tick<br/>calendar.updated<br/>person.added<br/>person.updated<br/>involvement.ended');
    expect(lines).toContain(
      'preparation --> preparation : views.recorded<br/>consent.given<br/>consent.refused<br/>disagreement.raised<br/>disagreement.resolved',
    );
  });

  it('is deterministic: the same machine gives the same text, whatever the policy', () => {
    expect(toMermaid(stepDownMachine)).toBe(diagram);
    expect(toMermaid(createStepDownMachine())).toBe(diagram);
    expect(toMermaid(createStepDownMachine(definePolicy({ division: 'scotland' })))).toBe(diagram);
  });

  it('writes out or, not and stateIn guards, and ids states by path where keys repeat', () => {
    const machine = setup({
      guards: { a: () => true, b: () => true },
    }).createMachine({
      id: 'demo',
      initial: 'one',
      states: {
        one: {
          initial: 'idle',
          states: { idle: { on: { GO: { target: '#demo.two.idle', guard: or(['a', not('b')]) } } } },
        },
        two: {
          initial: 'idle',
          states: { idle: { on: { BACK: { target: '#demo.one', guard: and(['a', stateIn('#demo.two')]) } } } },
        },
      },
    });
    const text = toMermaid(machine);
    expect(text).toContain('state "idle" as demo_one_idle');
    expect(text).toContain('state "idle" as demo_two_idle');
    expect(text).toContain('one --> two : GO [(a or not(b))] from idle to idle');
    expect(text).toContain('two --> one : BACK [a, in("#demo.two")] from idle');
    expect(arrowsLeavingTheirBlock(text)).toEqual([]);
  });

  it('refuses two states that would share a Mermaid id', () => {
    const machine = createMachine({ id: 'clash', initial: 'a-b', states: { 'a-b': {}, a_b: {} } });
    let error: unknown;
    try {
      toMermaid(machine);
    } catch (caught) {
      error = caught;
    }
    expect(isStepDownError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toContain("'clash.a-b' and 'clash.a_b'");
  });
});

describe('docs/statechart.md', () => {
  // A child node process that loads TypeScript through tsx: seconds, more on a busy machine.
  it('is current with the machine', { timeout: 60_000 }, () => {
    const root = join(import.meta.dirname, '..', '..');
    expect(() =>
      execFileSync(process.execPath, ['--import', 'tsx', 'scripts/statechart.ts', '--check'], { cwd: root, stdio: 'pipe' }),
    ).not.toThrow();
  });
});
