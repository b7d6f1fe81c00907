import { describe, expect, it } from 'vitest';
import { createCalendar, definePolicy, defaultPolicy, isStepDownError, shippedBankHolidays } from '../../src/index.js';
import { CaseRun, event } from '../machine/harness.js';

function raisedOn(at: string, policy = defaultPolicy) {
  return new CaseRun('cin-outcome', '2024-11-01T09:00:00Z', policy)
    .addFamily()
    .send(event('decision.agreed', '2024-11-01T10:00:00Z'))
    .send(event('disagreement.raised', at, { disagreementId: 'D-1' }))
    .deadline('disagreement-resolution:D-1').due;
}

function policyError(overrides: unknown) {
  try {
    definePolicy(overrides as never);
  } catch (error) {
    if (isStepDownError(error, 'INVALID_POLICY')) return error;
    throw error;
  }
  throw new Error('expected INVALID_POLICY');
}

describe('definePolicy', () => {
  it('defaults to the guidance’s timescales in England and Wales', () => {
    expect(defaultPolicy.division).toBe('england-and-wales');
    expect(defaultPolicy.timescales).toEqual({
      disagreementResolutionWorkingDays: 5,
      firstMeetingDateDays: 28,
      firstFamilyPlanMeetingDays: 28,
      reviewWindowStartDays: 42,
      reviewWindowEndDays: 56,
      cafMonths: 12,
      // A reassessment counts from month 11 of the 12 (docs/decisions.md "Reassessment window").
      reassessmentWindowMonths: 1,
    });
  });

  it('lets a council shorten a timescale, and the machine uses it', () => {
    // Friday 20 December 2024: 3 working days skip Christmas and Boxing Day to Friday 27 December;
    // the guidance's 5 end on Tuesday 31 December.
    const policy = definePolicy({ timescales: { disagreementResolutionWorkingDays: 3 } });
    expect(raisedOn('2024-12-20T15:00:00Z', policy)).toBe('2024-12-27T23:59:59.999+00:00');
    expect(raisedOn('2024-12-20T15:00:00Z')).toBe('2024-12-31T23:59:59.999+00:00');
  });

  it('counts working days in the council’s division', () => {
    // 2 January is a bank holiday in Scotland only: 5 working days from 30 December 2024.
    expect(raisedOn('2024-12-30T10:00:00Z')).toBe('2025-01-07T23:59:59.999+00:00');
    expect(raisedOn('2024-12-30T10:00:00Z', definePolicy({ division: 'scotland' }))).toBe('2025-01-08T23:59:59.999+00:00');
  });

  it('takes a host’s own calendar, e.g. with a newly announced bank holiday', () => {
    const holidays = [...shippedBankHolidays['england-and-wales'], { date: '2024-12-23', title: 'Extra bank holiday' }];
    const calendar = createCalendar({ division: 'england-and-wales', holidays });
    // 24, 27, 30, 31 December, then New Year's Day is skipped: Thursday 2 January.
    expect(raisedOn('2024-12-20T15:00:00Z', definePolicy({ calendar }))).toBe('2025-01-02T23:59:59.999+00:00');
  });

  it('refuses a bad override with INVALID_POLICY naming the field', () => {
    expect(policyError({ timescales: { cafMonths: 0 } }).message).toMatch(/timescales\.cafMonths/);
    expect(policyError({ timescales: { firstMeetingDateDays: 1.5 } }).message).toMatch(/timescales\.firstMeetingDateDays/);
    expect(policyError({ division: 'wales' }).message).toMatch(/division/);
    expect(policyError({ timescale: {} }).message).toMatch(/timescale/);
    expect(policyError({ timescales: { reviewWindowStartDays: 60 } }).message).toMatch(/reviewWindowStartDays/);
    expect(policyError({ calendar: 'england' }).message).toMatch(/calendar/);
    // The reassessment window lies inside the 12 months: a window longer than the clock is refused.
    expect(policyError({ timescales: { cafMonths: 6, reassessmentWindowMonths: 7 } }).message).toMatch(/reassessmentWindowMonths/);
    expect(policyError({ timescales: { reassessmentWindowMonths: 0 } }).message).toMatch(/reassessmentWindowMonths/);
  });
});
