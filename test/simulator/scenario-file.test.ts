import { describe, expect, it } from 'vitest';
import { StepDownError } from '../../src/errors.js';
import {
  defineScenario,
  formatJsonPath,
  JsonSyntaxError,
  parseScenario,
  readJsonSource,
  resolveAt,
  type ScenarioIssue,
} from '../../src/simulator/index.js';

/** The StepDownError `run` throws; fails the test when it throws nothing or something else. */
function errorOf(run: () => unknown): StepDownError {
  try {
    run();
  } catch (error) {
    if (error instanceof StepDownError) return error;
    throw error;
  }
  throw new Error('expected a StepDownError');
}

/** A valid scenario as text, one field or step a line, so tests can break one line and know its number. */
function scenarioText(steps: string[], extra = ''): string {
  return [
    '{',
    '  "name": "test-case",',
    '  "description": "A scenario for the tests.",',
    '  "route": "cin-outcome",',
    `  "openedAt": "2024-09-02",${extra}`,
    '  "steps": [',
    steps.map((s) => `    ${s}`).join(',\n'),
    '  ]',
    '}',
  ].join('\n');
}

const decision = '{ "at": "2024-09-02", "as": "team-manager", "event": "decision.agreed" }';

function issues(error: StepDownError): ScenarioIssue[] {
  return (error.details?.issues ?? []) as ScenarioIssue[];
}

describe('readJsonSource', () => {
  it('gives the value and the line and column of every field and list entry', () => {
    const source = readJsonSource('{\n  "a": 1,\n  "list": [\n    { "b": true },\n    null\n  ]\n}');
    expect(source.value).toEqual({ a: 1, list: [{ b: true }, null] });
    expect(source.locate(['a'])).toEqual({ line: 2, column: 3, found: ['a'] });
    expect(source.locate(['list', 0, 'b'])).toEqual({ line: 4, column: 7, found: ['list', 0, 'b'] });
    expect(source.locate(['list', 1])).toEqual({ line: 5, column: 5, found: ['list', 1] });
  });

  it('places a missing field at its deepest existing parent, where it has to be written', () => {
    const source = readJsonSource('{\n  "steps": [\n    { "at": "x" }\n  ]\n}');
    expect(source.locate(['steps', 0, 'as'])).toEqual({ line: 3, column: 5, found: ['steps', 0] });
  });

  it('reads what JSON.parse reads, escapes and numbers included', () => {
    const text = '{"s":"a\\"b\\\\c\\u00e9\\n","n":-1.5e3,"z":0,"t":[true,false,null],"__proto__":{"x":1}}';
    expect(readJsonSource(text).value).toEqual(JSON.parse(text));
    expect(readJsonSource('\ufeff{"a":1}').value).toEqual({ a: 1 });
  });

  it.each([
    ['{\n  "a": 1,\n}', 3, 1, 'trailing comma'],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, "expected , or } after a field's value"],
    ['{\n  "a": [1, 2\n}', 3, 1, 'expected , or ] after a list entry'],
    ['{\n  a: 1\n}', 2, 3, 'a field name in double quotes'],
    ['{\n  "a": "open\n}', 2, 13, 'line break inside text'],
    ['{\n  "a": tru\n}', 2, 8, 'expected a value'],
    ['{\n  // note\n  "a": 1\n}', 2, 3, 'comments are not allowed'],
    ['{\n  "a": 1,\n  "a": 2\n}', 3, 3, 'appears twice'],
    ['', 1, 1, 'the file is empty'],
    ['{"a": 1} extra', 1, 10, 'after the end of the JSON value'],
  ])('reports %j at line %i, column %i', (text, line, column, words) => {
    try {
      readJsonSource(text);
      throw new Error('expected a syntax error');
    } catch (error) {
      expect(error).toBeInstanceOf(JsonSyntaxError);
      expect((error as JsonSyntaxError).position).toEqual({ line, column });
      expect((error as JsonSyntaxError).message).toContain(words);
    }
  });

  it('formats paths the way a reader writes them', () => {
    expect(formatJsonPath(['steps', 3, 'payload', 'form', 'voiceOfChild'])).toBe('steps[3].payload.form.voiceOfChild');
    expect(formatJsonPath([])).toBe('(root)');
  });
});

describe('parseScenario', () => {
  it('accepts a valid scenario and keeps the line of each step and of the expectation', () => {
    const text = scenarioText([decision, '{ "at": "2024-09-03", "tick": true }'], '\n  "expect": { "stage": "preparation" },');
    const { scenario, source } = parseScenario(text, 'ok.json');
    expect(scenario.steps).toHaveLength(2);
    expect(source).toEqual({ file: 'ok.json', stepLines: [8, 9], peopleLines: [], expectLine: 6 });
  });

  it('says a file is not JSON with the line and column, as INVALID_INPUT', () => {
    const error = errorOf(() => parseScenario('{\n  "name": "x",\n  "steps": [\n', 'broken.json'));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe('broken.json is not valid JSON: line 4, column 1: expected a value (text in double quotes, a number, true, false, null, { or [), found the end of the file.');
  });

  it('names the line and field of a wrong value, and what is expected there', () => {
    const text = scenarioText([decision, '{ "at": "2024-09-04", "as": "manager", "event": "views.recorded" }']);
    const error = errorOf(() => parseScenario(text, 'roles.json'));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe(
      'roles.json line 8, steps[1].as: expected one of social-worker, team-manager, caf-link-worker, lead-professional, early-help-manager, system.',
    );
    expect(issues(error)).toEqual([{ line: 8, column: 27, path: 'steps[1].as', message: expect.stringContaining('expected one of') }]);
  });

  it('suggests the event type meant by a misspelt one', () => {
    const error = errorOf(() => parseScenario(scenarioText(['{ "at": "2024-09-02", "as": "team-manager", "event": "decision.agred" }']), 'typo.json'));
    expect(error.message).toBe('typo.json line 7, steps[0].event: not a known event type (did you mean decision.agreed?).');
  });

  it('names an unknown field at its own line, with the field it probably meant', () => {
    const text = scenarioText([decision, '{ "at": "2024-09-04", "as": "social-worker", "event": "consent.given",\n      "paylod": {} }']);
    const error = errorOf(() => parseScenario(text, 'unknown.json'));
    expect(error.message).toBe('unknown.json line 9, steps[1].paylod: unknown field, check its spelling (did you mean payload?).');
  });

  it('reports every problem in details, sorted by line, and counts the rest in the message', () => {
    const text = scenarioText(['{ "at": "2 Sept", "as": "team-manager", "event": "decision.agreed" }', '{ "at": "2024-09-03" }']);
    const error = errorOf(() => parseScenario(text, 'many.json'));
    expect(error.message).toMatch(/^many\.json line 7, steps\[0\]\.at: expected a date YYYY-MM-DD or a date-time with offset.* \(and 2 more problems\)\.$/);
    expect(issues(error).map((i) => [i.line, i.path])).toEqual([
      [7, 'steps[0].at'],
      [8, 'steps[1].event'],
      [8, 'steps[1].as'],
    ]);
  });

  it("checks each step's event as the fixtures and overrides make it, naming the payload field and its line", () => {
    const text = scenarioText([
      decision,
      '{ "at": "2024-09-04", "as": "social-worker", "event": "views.recorded",\n      "payload": {\n        "personId": "Aunt Nora" } }',
    ]);
    const error = errorOf(() => parseScenario(text, 'payload.json'));
    expect(error.message).toBe(
      'payload.json line 10, steps[1].payload.personId: expected an id: letters, digits and . _ : - only, starting with a letter or digit, at most 128 characters.',
    );
    expect(error.message).not.toContain('Nora');
  });

  it('reads the people a scenario opens with, naming the line and field of a bad one', () => {
    const people = (entries: string[]) => `\n  "people": [\n${entries.map((e) => `    ${e}`).join(',\n')}\n  ],`;
    const ok = parseScenario(
      scenarioText([decision], people(['{ "id": "child-1", "relationship": "child" }', '{ "id": "gran", "relationship": "family-member" }'])),
      'people.json',
    );
    expect(ok.scenario.people?.map((p) => p.id)).toEqual(['child-1', 'gran']);
    expect(ok.source.peopleLines).toEqual([7, 8]);
    const badId = errorOf(() => parseScenario(scenarioText([decision], people(['{ "id": "Gran Smith", "relationship": "family-member" }'])), 'p.json'));
    expect(badId.message).toMatch(/^p\.json line 7, people\[0\]\.id: expected an id/);
    expect(badId.message).not.toContain('Smith');
    const twice = errorOf(() =>
      parseScenario(scenarioText([decision], people(['{ "id": "gran", "relationship": "family-member" }', '{ "id": "gran", "relationship": "child" }'])), 'p.json'),
    );
    expect(twice.message).toBe('p.json line 8, people[1].id: duplicate person id: list each person once.');
    // Checked as the person.added it becomes: only a practitioner has an agency.
    const agency = errorOf(() =>
      parseScenario(scenarioText([decision], people(['{ "id": "gran", "relationship": "family-member", "agency": "Bingo club" }'])), 'p.json'),
    );
    expect(agency.message).toBe('p.json line 7, people[0].agency: only a practitioner has an agency.');
  });

  it('takes an eventId and a recordedAt on a step, never in its payload', () => {
    const ok = parseScenario(
      scenarioText([decision, '{ "at": "2024-09-03", "recordedAt": "2024-09-05", "eventId": "host-7", "as": "team-manager", "event": "stepDown.withdrawn" }']),
    );
    expect(ok.scenario.steps[1]).toMatchObject({ eventId: 'host-7', recordedAt: '2024-09-05' });
    const inPayload = errorOf(() =>
      parseScenario(scenarioText(['{ "at": "2024-09-02", "as": "team-manager", "event": "decision.agreed", "payload": { "eventId": "x-1" } }']), 'id.json'),
    );
    expect(inPayload.message).toBe('id.json line 7, steps[0].payload.eventId: set by the step itself (eventId); remove it from the payload.');
    const notAnId = errorOf(() =>
      parseScenario(scenarioText(['{ "at": "2024-09-02", "as": "team-manager", "event": "decision.agreed", "eventId": "my event" }']), 'id.json'),
    );
    expect(notAnId.message).toMatch(/^id\.json line 7, steps\[0\]\.eventId: expected an id/);
  });

  it('finds a problem deep in an override of the e-CAF form', () => {
    const step = '{ "at": "2024-09-02", "as": "social-worker", "event": "eCaf.referralCompleted", "payload": { "form": { "childsNeeds": { "health": " " } } } }';
    const error = errorOf(() => parseScenario(scenarioText([step]), 'form.json'));
    expect(error.message).toBe('form.json line 7, steps[0].payload.form.childsNeeds.health: required text is empty.');
  });

  it('leaves an event the scenario expects to be INVALID_EVENT for the engine to refuse', () => {
    const step = '{ "at": "2024-09-02", "as": "team-manager", "event": "decision.agreed", "payload": { "rationale": "" }, "expectRefusal": "INVALID_EVENT" }';
    expect(parseScenario(scenarioText([step])).scenario.steps[0]!.expectRefusal).toBe('INVALID_EVENT');
  });

  it.each([
    ['{ "at": "2024-09-02", "tick": true, "as": "system" }', 'steps[0].as', 'a tick step takes only at, tick, expect and note'],
    ['{ "at": "2024-09-02", "as": "system", "event": "clock.tick" }', 'steps[0].event', 'the clock is a tick step'],
    ['{ "at": "2024-09-02", "as": "team-manager" }', 'steps[0].event', 'required: the event type'],
    ['{ "at": "2024-09-02", "event": "decision.agreed" }', 'steps[0].as', 'required: the role that sends it'],
    ['{ "at": "2024-09-02T10:00", "as": "team-manager", "event": "decision.agreed" }', 'steps[0].at', 'a date-time with offset'],
    ['{ "at": "2024-09-02", "as": "team-manager", "event": "decision.agreed", "payload": { "at": "2024-09-03" } }', 'steps[0].payload.at', 'set by the step itself'],
    ['{ "at": "2024-09-02", "as": "team-manager", "event": "decision.agreed", "expectRefusal": "NOPE" }', 'steps[0].expectRefusal', 'expected one of'],
    ['{ "at": "2024-09-02", "as": "team-manager", "event": "decision.agreed", "expect": { "breaches": ["not-a-rule"] } }', 'steps[0].expect.breaches[0]', 'not a rule id'],
  ])('refuses %s at %s', (step, path, words) => {
    const error = errorOf(() => parseScenario(scenarioText([step]), 'step.json'));
    expect(issues(error).map((i) => i.path)).toContain(path);
    expect(issues(error).find((i) => i.path === path)!.message).toContain(words);
  });

  it('never repeats a value from the file in a message', () => {
    const secret = 'Jane Doe lives at 1 High Street';
    const step = `{ "at": "2024-09-04", "as": "social-worker", "event": "views.recorded", "payload": { "personId": "${secret}", "${secret}": 1 } }`;
    const error = errorOf(() => parseScenario(scenarioText([decision, step]), 'private.json'));
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain('Jane');
  });
});

describe('family scenarios', () => {
  /** A family scenario of two cases with the fictional family's people (each child on the other's case as a family member). */
  function family(steps: Record<string, unknown>[], extra: Record<string, unknown> = {}): Record<string, unknown> {
    const people = (child: string, sibling: string) => [
      { id: child, relationship: 'child' },
      { id: sibling, relationship: 'family-member' },
      { id: 'carer-1', relationship: 'parent-carer', parentalResponsibility: true },
    ];
    return {
      name: 'sibs',
      description: 'Two siblings.',
      route: 'cin-outcome',
      openedAt: '2024-09-02',
      family: { cases: [{ key: 'older', people: people('child-1', 'child-2') }, { key: 'younger', people: people('child-2', 'child-1') }] },
      steps,
      ...extra,
    };
  }
  const toBoth = { at: '2024-09-02', as: 'team-manager', event: 'decision.agreed', toFamily: true };

  it('reads the cases, their people and the lines of each, and steps that name a case or go to the family', () => {
    const text = JSON.stringify(family([toBoth, { at: '2024-09-04', as: 'social-worker', event: 'views.recorded', case: 'younger', payload: { personId: 'child-2' } }]), null, 2);
    const { scenario, source } = parseScenario(text, 'sibs.json');
    expect(scenario.family?.cases.map((c) => c.key)).toEqual(['older', 'younger']);
    expect(source.casePeopleLines?.map((lines) => lines.length)).toEqual([3, 3]);
    expect(source.casePeopleLines![1]![0]).toBeGreaterThan(source.casePeopleLines![0]![2]!);
  });

  it.each([
    ['a step naming no case', [{ at: '2024-09-02', as: 'team-manager', event: 'decision.agreed' }], {}, 'steps[0].case', 'required in a family scenario'],
    ['a case not of the family', [{ ...toBoth, toFamily: undefined, case: 'middle' }], {}, 'steps[0].case', 'not a case of the family; its cases are older, younger'],
    ['a step for one case and the family at once', [{ ...toBoth, case: 'older' }], {}, 'steps[0].toFamily', 'not both'],
    ['a tick for one case', [toBoth, { at: '2024-09-03', tick: true, case: 'older' }], {}, 'steps[1].case', 'a tick step takes only'],
    ['a caseId beside the family', [toBoth], { caseId: 'C-1' }, 'caseId', 'names each case id in family.cases'],
    ['an expectation for a case not of the family', [{ ...toBoth, expect: { cases: { middle: { stage: 'preparation' } } } }], {}, 'steps[0].expect.cases.middle', 'not a case of the family'],
  ])('refuses %s', (_what, steps, extra, path, words) => {
    const error = errorOf(() => parseScenario(JSON.stringify(family(steps as Record<string, unknown>[], extra), null, 2), 'sibs.json'));
    const issue = issues(error).find((i) => i.path === path);
    expect(issue?.message).toContain(words);
  });

  it('refuses a family step or a per-case expectation in a scenario of one case', () => {
    const error = errorOf(() =>
      parseScenario(scenarioText(['{ "at": "2024-09-02", "as": "team-manager", "event": "decision.agreed", "toFamily": true, "expect": { "cases": { "older": {} } } }']), 'one.json'),
    );
    expect(issues(error).map((i) => [i.path, i.message])).toEqual([
      ['steps[0].toFamily', 'only a family scenario sends to the family; remove it'],
      ['steps[0].expect.cases', 'only a family scenario expects per case; remove cases'],
    ]);
  });

  it("names a case's person by its place in the file, a person the cases share once, and a shared step's payload field", () => {
    const bad = family([toBoth]);
    const cases = (bad['family'] as { cases: { people?: Record<string, unknown>[] }[] }).cases;
    cases[1]!.people![2] = { id: 'carer-1', relationship: 'parent-carer', agency: 'Bingo club' };
    const error = errorOf(() => parseScenario(JSON.stringify(bad, null, 2), 'sibs.json'));
    expect(issues(error).map((i) => [i.path, i.message])).toEqual([['family.cases[1].people[2].agency', 'only a practitioner has an agency']]);
    // Cases without people of their own open with the scenario's: a problem there is one problem.
    const shared: Record<string, unknown> = { ...family([toBoth]), people: [{ id: 'child-1', relationship: 'child' }, { id: 'gran', relationship: 'family-member', agency: 'Bingo club' }] };
    for (const c of (shared['family'] as { cases: { people?: unknown }[] }).cases) delete c.people;
    const once = errorOf(() => parseScenario(JSON.stringify(shared, null, 2), 'sibs.json'));
    expect(issues(once).map((i) => i.path)).toEqual(['people[1].agency']);
    const payload = errorOf(() =>
      parseScenario(JSON.stringify(family([toBoth, { at: '2024-09-04', as: 'social-worker', event: 'views.recorded', toFamily: true, payload: { agrees: 'yes' } }]), null, 2), 's.json'),
    );
    expect(issues(payload).map((i) => i.path)).toEqual(['steps[1].payload.agrees']);
  });
});

describe('defineScenario', () => {
  it('validates a scenario written in code, naming fields without lines', () => {
    const error = errorOf(() => defineScenario({ name: 'x', description: 'd', route: 'nowhere', openedAt: '2024-09-02', steps: [] }));
    expect(error.message).toBe('(scenario): route: expected one of cin-outcome, cp-outcome, ten-day-checkpoint (and 1 more problem).');
  });
});

describe('resolveAt', () => {
  it('reads a date alone as 10:00 London time for an event and 02:00 for a tick, with the offset of that day', () => {
    expect(resolveAt('2024-12-20', 'event')).toBe('2024-12-20T10:00:00+00:00');
    expect(resolveAt('2024-07-01', 'event')).toBe('2024-07-01T10:00:00+01:00');
    expect(resolveAt('2024-03-31', 'tick')).toBe('2024-03-31T02:00:00+01:00');
    expect(resolveAt('2024-10-27', 'tick')).toBe('2024-10-27T02:00:00+00:00');
    expect(resolveAt('2024-07-01T15:30:00+01:00', 'event')).toBe('2024-07-01T15:30:00+01:00');
  });
});
