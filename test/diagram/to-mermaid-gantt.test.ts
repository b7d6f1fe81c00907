import { describe, expect, it } from 'vitest';
import { createCaseEngine, toMermaidGantt, type GanttCase } from '../../src/index.js';
import { runToClosedCaf } from '../engine/journey.js';
import { withEveryDeadline } from '../../src/engine/deadline-history.js';

/** The task line of a deadline: Mermaid task names cannot hold `:`, so `family-plan-review:1` reads `family-plan-review 1`. */
function taskLine(chart: string, deadlineId: string): string {
  const name = deadlineId.replace(/:/g, ' ');
  const line = chart.split('\n').find((l) => l.trim().startsWith(`${name} (`));
  expect(line, `task of ${deadlineId}`).toBeDefined();
  return line!.trim();
}

describe('toMermaidGantt: one case’s deadlines', () => {
  it('charts every deadline of a whole journey, London dates, the late initial meeting marked crit', async () => {
    // A closed case's view keeps no deadline since snapshot version 3: every one is folded from its trail.
    const engine = createCaseEngine();
    const view = await withEveryDeadline(engine, await runToClosedCaf(engine, 'C-gantt'));
    const chart = toMermaidGantt(view);
    expect(chart.startsWith('gantt\n')).toBe(true);
    expect(chart).toContain('title Case C-gantt deadlines (stage closed, outcome caf-closed)');
    expect(chart).toContain('dateFormat YYYY-MM-DD');
    expect(chart).toContain('todayMarker off');
    expect(view.deadlines.length).toBeGreaterThanOrEqual(4);
    for (const deadline of view.deadlines) {
      expect(chart).toContain(`section ${deadline.rule}`);
      taskLine(chart, deadline.id);
    }
    // Closed to CSC on 21 March; due 18 April (23:59 BST): the bar runs to the end of the due day.
    expect(taskLine(chart, 'first-family-plan-meeting')).toBe(
      'first-family-plan-meeting (met late, breach) :crit, 2024-03-21, 2024-04-19',
    );
    expect(view.breaches.map((b) => b.rule)).toEqual(['first-family-plan-meeting']);
    for (const deadline of view.deadlines.filter((d) => d.id !== 'first-family-plan-meeting')) {
      expect(taskLine(chart, deadline.id)).not.toContain('crit');
      expect(taskLine(chart, deadline.id)).toContain(':done, ');
    }
    expect(taskLine(chart, 'caf-twelve-months:1')).toBe('caf-twelve-months 1 (met) :done, 2024-03-21, 2025-03-22');
  });

  it('opens with the stages the case went through when given a compliance report’s stages', async () => {
    const engine = createCaseEngine();
    const view = await withEveryDeadline(engine, await runToClosedCaf(engine, 'C-stages'));
    const chart = toMermaidGantt({ ...view, stages: (await engine.complianceReport('C-stages')).stages });
    const stageLines = chart.split('\n').slice(chart.split('\n').indexOf('  section stages') + 1, chart.split('\n').indexOf('  section stages') + 6);
    expect(stageLines.map((l) => l.trim())).toEqual([
      'decision :done, 2024-03-04, 2024-03-06',
      'preparation :done, 2024-03-05, 2024-03-15',
      'closure :done, 2024-03-14, 2024-03-22',
      'early-help :done, 2024-03-21, 2024-06-12',
      'closed :milestone, 2024-06-11, 0d',
    ]);
    expect(chart.indexOf('section stages')).toBeLessThan(chart.indexOf('section first-family-plan-meeting'));
    expect(toMermaidGantt(view)).not.toContain('section stages');
  });

  it('reads dates in London, marks open, missed and cancelled deadlines, and record breaches as milestones', () => {
    const view: GanttCase = {
      caseId: 'C-2',
      stage: 'early-help',
      outcome: null,
      deadlines: [
        // 23:30 UTC on 31 May is already 1 June in London (BST).
        deadline('first-family-plan-meeting', '2024-05-31T23:30:00Z', '2024-06-28T23:59:59.999+01:00', 'missed'),
        deadline('family-plan-review:1', '2024-06-03T10:00:00+01:00', '2024-07-29T23:59:59.999+01:00', 'open'),
        deadline('family-plan-review:2', '2024-06-03T10:00:00+01:00', '2024-07-29T23:59:59.999+01:00', 'cancelled'),
      ],
      breaches: [
        {
          rule: 'first-family-plan-meeting',
          citation: 'G "Initial Family Planning Meeting" ¶1',
          due: '2024-06-28T23:59:59.999+01:00',
          detectedAt: '2024-06-29T07:00:00+01:00',
          deadlineId: 'first-family-plan-meeting',
        },
        {
          rule: 'family-plan-meeting-record',
          citation: 'G "Initial Family Planning Meeting" ¶1',
          due: null,
          detectedAt: '2024-07-01T23:30:00Z',
          deadlineId: null,
        },
      ],
    };
    const chart = toMermaidGantt(view);
    expect(chart).toContain('title Case C-2 deadlines (stage early-help)');
    expect(taskLine(chart, 'first-family-plan-meeting')).toBe('first-family-plan-meeting (missed, breach) :crit, 2024-06-01, 2024-06-29');
    expect(taskLine(chart, 'family-plan-review:1')).toBe('family-plan-review 1 (open) :active, 2024-06-03, 2024-07-30');
    expect(taskLine(chart, 'family-plan-review:2')).toBe('family-plan-review 2 (cancelled) :done, 2024-06-03, 2024-07-30');
    expect(chart).toContain('section breaches of record rules');
    expect(chart).toContain('family-plan-meeting-record (breach) :crit, milestone, 2024-07-02, 0d');
  });
});

function deadline(id: string, opensAt: string, due: string, status: GanttCase['deadlines'][number]['status']) {
  const rule = id.split(':')[0] as GanttCase['deadlines'][number]['rule'];
  return { id, rule, citation: '', opensAt, due, status, closedAt: null };
}
