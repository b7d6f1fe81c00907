import { describe, expect, it } from 'vitest';
import type { Notification, Refusal } from '../../src/index.js';
import { sampleNames, samplePeople, sampleRecipients } from '../events/samples.js';
import { CaseRun, event, freeTextChecks } from './harness.js';

// Issue 9 "People": a case holds people with ids; every rule about people compares ids, and a
// refusal names the missing person ids, never a name.
//
// A CIN case in spring 2024 (British Summer Time). Monday 6 May 2024 is the early May bank holiday
// in England and Wales, inside the 5 working days of the disagreement below.
const opened = '2024-04-30T09:00:00+01:00';
const added = '2024-04-30T09:30:00+01:00';
const decided = '2024-04-30T11:00:00+01:00';
const views = '2024-05-01T10:00:00+01:00';
const meetingAt = '2024-05-13T10:00:00+01:00';
const firstFp = '2024-06-06';

// A second parent/carer: Leo's father, who lives apart and holds parental responsibility.
const father = { personId: 'mark', name: 'Mark Taylor' };
const grandmother = { personId: 'grandma-taylor', name: 'Maureen Taylor' };
const refusalReason = 'Mark does not want the school to know about the family’s history.';
const renamed = 'Sarah Okonkwo';
const { expectNoFreeText, expectRefusal } = freeTextChecks([
  ...sampleNames,
  father.name,
  grandmother.name,
  refusalReason,
  renamed,
]);

/** The sample family (child, mother, the DSL and the Lead Professional), the father and, unless left out, a grandmother. */
function twoCarers(options: { grandmother?: boolean } = {}): CaseRun {
  const run = new CaseRun('cin-outcome', opened)
    .addFamily(added)
    .addPerson(father.personId, 'parent-carer', added, { name: father.name, parentalResponsibility: true });
  if (options.grandmother !== false) run.addPerson(grandmother.personId, 'family-member', added, { name: grandmother.name });
  return run.send(event('decision.agreed', decided));
}

/** Views of the child, both carers and the DSL; the mother's consent; the Lead Professional's agreement. */
function prepared(run: CaseRun = twoCarers()): CaseRun {
  for (const personId of [samplePeople.child, samplePeople.parent, father.personId, samplePeople.partner]) {
    run.send(event('views.recorded', views, { personId }));
  }
  return run.send(event('consent.given', views)).send(event('leadProfessional.agreed', views));
}

const finalMeeting = (at = meetingAt, attendees: string[] = [samplePeople.parent, father.personId, samplePeople.partner, samplePeople.leadProfessional.personId]) =>
  event('finalMeeting.held', at, { attendees, firstFamilyPlanMeetingDate: firstFp });

const ofType = <T extends Notification['type']>(run: CaseRun, type: T) =>
  run.notifications.filter((n): n is Extract<Notification, { type: T }> => n.type === type);

/** The reasons of a refusal's rules. */
const reasons = (refusal: Refusal) => refusal.rules.map((r) => r.reason);

describe('people-on-record: every person an event names is a person of the case', () => {
  it('people-on-record: a view, a consent or a disagreement naming an id not on the case is GATE_BLOCKED, naming the id and never a name', () => {
    const run = twoCarers();
    for (const e of [
      event('views.recorded', views, { personId: 'aunt-jo' }),
      event('consent.given', views, { personId: 'aunt-jo' }),
      event('disagreement.raised', views, { personId: 'aunt-jo', disagreementId: 'D-aunt' }),
    ]) {
      const refusal = run.refuse(e);
      expectRefusal(refusal, 'GATE_BLOCKED', ['people-on-record']);
      expect(refusal.rules[0]!.reason).toBe('not a person of this case: aunt-jo; add them with person.added first.');
      expect(refusal.message).toContain('aunt-jo');
    }
  });

  it('people-on-record: consent is a parent/carer’s: from the child, a grandmother or a practitioner it is refused, naming the id', () => {
    const run = twoCarers();
    for (const personId of [samplePeople.child, grandmother.personId, samplePeople.partner]) {
      const refusal = run.refuse(event('consent.given', views, { personId }));
      expectRefusal(refusal, 'GATE_BLOCKED', ['people-on-record']);
      expect(refusal.rules[0]!.reason).toBe(`${personId} must be a parent-carer for 'consent.given'.`);
    }
    run.send(event('consent.given', views, { personId: father.personId }));
    expect(run.snapshot.context.consents).toEqual({ mark: { status: 'given', at: views } });
  });

  it('people-on-record: a person is added once; the same id again is refused, pointing to person.updated', () => {
    const run = twoCarers();
    const again = run.refuse(event('person.added', views, { personId: father.personId, relationship: 'parent-carer', name: 'Mark T.' }));
    expectRefusal(again, 'GATE_BLOCKED', ['people-on-record']);
    expect(again.rules[0]!.reason).toBe("person id 'mark' is already on this case; correct a record with person.updated.");
    expect(JSON.stringify(again)).not.toContain('Mark T.');
  });

  it('people-on-record: a person whose involvement ended is named by no later record, and no record is asked of them', () => {
    const run = twoCarers().send(event('involvement.ended', views, { personId: samplePeople.partner }));
    expect(run.snapshot.context.people[samplePeople.partner]).toMatchObject({ endedAt: views });
    const refusal = run.refuse(event('views.recorded', '2024-05-02T10:00:00+01:00', { personId: samplePeople.partner }));
    expectRefusal(refusal, 'GATE_BLOCKED', ['people-on-record']);
    expect(refusal.rules[0]!.reason).toBe('no longer involved: helen-price.');
    // Her view is no longer pending; everyone else's still is.
    expect(run.view.pending.filter((p) => p.step === 'views.recorded').map((p) => p.detail)).toEqual(['leo', 'sarah', 'jo-patel', 'mark']);
    expect(run.refuse(event('involvement.ended', '2024-05-02T10:00:00+01:00', { personId: samplePeople.partner })).rules[0]!.reason).toBe(
      'no longer involved: helen-price.',
    );
  });

  it('people-on-record: a corrected name changes no id: the records made about the person stand, and the new name is never repeated', () => {
    const run = prepared().send(event('person.updated', '2024-05-02T10:00:00+01:00', { personId: samplePeople.parent, name: renamed }));
    expect(run.snapshot.context.people[samplePeople.parent]).toMatchObject({ name: renamed, relationship: 'parent-carer' });
    expect(run.snapshot.context.consents[samplePeople.parent]?.status).toBe('given');
    run.send(finalMeeting());
    expect(run.view.stage).toBe('closure');
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
    // An agency is a practitioner's, parental responsibility a parent/carer's.
    expect(reasons(run.refuse(event('person.updated', meetingAt, { personId: samplePeople.child, agency: 'St Mary’s' })))).toEqual([
      'leo is not a practitioner, so has no agency.',
    ]);
    expect(reasons(run.refuse(event('person.updated', meetingAt, { personId: samplePeople.partner, parentalResponsibility: true })))).toEqual([
      'helen-price is not a parent-carer, so parental responsibility is not recorded for them.',
    ]);
  });
});

describe('views-recorded: the views of the child, each parent/carer and each practitioner, by id', () => {
  it('views-recorded: the refusal lists every person id whose view is missing — the father’s too — and never a name; the grandmother’s view is welcome but not required', () => {
    const run = twoCarers()
      .send(event('views.recorded', views, { personId: samplePeople.child }))
      .send(event('views.recorded', views, { personId: samplePeople.parent }))
      .send(event('consent.given', views))
      .send(event('leadProfessional.agreed', views));
    const refusal = run.refuse(finalMeeting());
    expectRefusal(refusal, 'GATE_BLOCKED', ['views-recorded']);
    expect(refusal.rules[0]!.reason).toBe('views not yet recorded for person(s): helen-price, mark.');
    expect(refusal.message).toContain('helen-price, mark');
    expect(run.view.pending.filter((p) => p.step === 'views.recorded').map((p) => p.detail)).toEqual(['helen-price', 'mark']);
    run
      .send(event('views.recorded', '2024-05-02T10:00:00+01:00', { personId: samplePeople.partner }))
      .send(event('views.recorded', '2024-05-02T10:00:00+01:00', { personId: father.personId }))
      .send(finalMeeting());
    expect(run.view.stage).toBe('closure');
    expect(run.snapshot.context.views[grandmother.personId]).toBeUndefined();
  });

  it('views-recorded: with no child or no parent/carer on the case record there is no one to ask, and the refusal says what to add', () => {
    const run = new CaseRun('cin-outcome', opened)
      .addPerson(samplePeople.partner, 'practitioner', added)
      .addPerson(samplePeople.leadProfessional.personId, 'practitioner', added)
      .send(event('decision.agreed', decided))
      .send(event('views.recorded', views, { personId: samplePeople.partner }))
      .send(event('leadProfessional.agreed', views));
    expect(run.view.pending.slice(0, 2)).toEqual([
      { step: 'person.added', role: 'social-worker', rule: 'views-recorded', detail: 'child' },
      { step: 'person.added', role: 'social-worker', rule: 'views-recorded', detail: 'parent-carer' },
    ]);
    const refusal = run.refuse(finalMeeting(meetingAt, [samplePeople.partner, samplePeople.leadProfessional.personId]));
    expect(refusal.rules.map((r) => [r.rule, r.reason])).toEqual([
      [
        'views-recorded',
        'no child is on the case record: add them with person.added; no parent-carer is on the case record: add them with person.added.',
      ],
      ['informed-consent', 'no informed consent from a parent/carer still involved is on file.'],
    ]);
  });

  it('views-recorded: the view on file is the one recorded last, not the latest-dated: a view that disagrees, typed after one that agrees dated later, needs its disagreement', () => {
    const run = prepared()
      // Typed after the father's view of 1 May that agreed, dated the day before it.
      .send(event('views.recorded', '2024-04-30T16:00:00+01:00', { personId: father.personId, agrees: false }));
    expect(run.snapshot.context.views[father.personId]).toEqual({ agrees: false, at: '2024-04-30T16:00:00+01:00', firstAt: '2024-04-30T16:00:00+01:00' });
    const refusal = run.refuse(finalMeeting());
    expectRefusal(refusal, 'GATE_BLOCKED', ['views-recorded']);
    expect(refusal.rules[0]!.reason).toBe('a view that disagrees with the step down has no disagreement raised for person(s): mark.');
    expect(run.view.pending).toEqual([{ step: 'disagreement.raised', role: 'social-worker', rule: 'views-recorded', detail: 'mark' }]);
  });
});

describe('informed-consent: each parent/carer’s consent stands on its own', () => {
  // The father refuses on Thursday 2 May 2024. Five working days: Fri 3, (Mon 6 May bank holiday),
  // Tue 7, Wed 8, Thu 9, Fri 10 May: due by the end of Friday 10 May, BST.
  const refusedAt = '2024-05-02T10:00:00+01:00';
  const due = '2024-05-10T23:59:59.999+01:00';
  const fatherRefuses = (run: CaseRun) =>
    run.send(event('consent.refused', refusedAt, { personId: father.personId, disagreementId: 'D-consent-mark', reason: refusalReason }));

  it('consent-refusal-is-disagreement: one carer refuses, the other has consented: the consent stands, the refusal opens the father’s family disagreement, due across the May bank holiday', () => {
    const run = fatherRefuses(prepared());
    expect(run.snapshot.context.consents).toEqual({
      sarah: { status: 'given', at: views },
      mark: { status: 'refused', at: refusedAt },
    });
    expect(run.snapshot.context.disagreements).toEqual([
      { id: 'D-consent-mark', personId: 'mark', by: 'family', raisedAt: refusedAt, status: 'open', resolvedAt: null },
    ]);
    expect(run.deadline('disagreement-resolution:D-consent-mark')).toMatchObject({ opensAt: refusedAt, due, status: 'open' });
    // The mother's consent meets informed-consent; only the open disagreement blocks the meeting.
    const refusal = run.refuse(finalMeeting());
    expectRefusal(refusal, 'GATE_BLOCKED', ['no-open-disagreement']);
    expect(refusal.rules[0]!.reason).toBe('disagreement(s) still open: D-consent-mark.');
    expect(run.view.pending).toEqual([
      { step: 'disagreement.resolved', role: 'team-manager', rule: 'disagreement-resolution', detail: 'D-consent-mark', actorId: samplePeople.teamManager.id, due },
    ]);
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
  });

  it('disagreement-resolution: resolved on Thursday 9 May it is met, and the meeting goes ahead on the mother’s consent while the father’s refusal stays on file', () => {
    const run = fatherRefuses(prepared()).send(
      event('disagreement.resolved', '2024-05-09T15:00:00+01:00', { disagreementId: 'D-consent-mark', outcome: 'agreed' }),
    );
    expect(run.deadline('disagreement-resolution:D-consent-mark')).toMatchObject({ status: 'met', closedAt: '2024-05-09T15:00:00+01:00' });
    run.send(finalMeeting());
    expect(run.view.stage).toBe('closure');
    expect(run.view.breaches).toEqual([]);
    expect(run.snapshot.context.consents[father.personId]?.status).toBe('refused');
    // A tick after the due instant finds nothing missed.
    run.tick('2024-05-13T07:00:00+01:00');
    expect(run.view.breaches).toEqual([]);
  });

  it('informed-consent: when the carer who consented is no longer involved, the other’s refusal leaves no consent on file', () => {
    const run = fatherRefuses(prepared())
      .send(event('disagreement.resolved', '2024-05-09T15:00:00+01:00', { disagreementId: 'D-consent-mark', outcome: 'agreed' }))
      .send(event('involvement.ended', '2024-05-10T10:00:00+01:00', { personId: samplePeople.parent }));
    const refusal = run.refuse(finalMeeting(meetingAt, [father.personId, samplePeople.partner, samplePeople.leadProfessional.personId]));
    expectRefusal(refusal, 'GATE_BLOCKED', ['informed-consent']);
    expect(refusal.rules[0]!.reason).toBe('no informed consent from a parent/carer still involved is on file.');
    expect(run.view.pending).toContainEqual({ step: 'consent.given', role: 'social-worker', rule: 'informed-consent', detail: 'mark' });
    run.send(event('consent.given', '2024-05-10T14:00:00+01:00', { personId: father.personId }));
    run.send(finalMeeting(meetingAt, [father.personId, samplePeople.partner, samplePeople.leadProfessional.personId]));
    expect(run.view.stage).toBe('closure');
  });

  it('informed-consent: the consent on file is the one recorded last: the mother’s refusal typed after her consent replaces it, whatever their dates', () => {
    const run = prepared().send(
      event('consent.refused', '2024-04-30T15:00:00+01:00', { personId: samplePeople.parent, disagreementId: 'D-consent-sarah', reason: refusalReason }),
    );
    expect(run.snapshot.context.consents).toEqual({ sarah: { status: 'refused', at: '2024-04-30T15:00:00+01:00' } });
    expectRefusal(run.refuse(finalMeeting()), 'GATE_BLOCKED', ['informed-consent', 'no-open-disagreement']);
  });
});

describe('documents-shared-with-all: every parent/carer and practitioner involved and the Lead Professional, by id', () => {
  const day = '2024-05-20T10:00:00+01:00';
  function inSharing(): CaseRun {
    const run = prepared().send(finalMeeting());
    const form = { ...event('eCaf.referralCompleted', day).form, firstFamilyPlanMeetingDate: firstFp };
    return run
      .send(event('eCaf.referralCompleted', day, { form }))
      .send(event('transferDetails.completed', day))
      .send(event('closureSummary.completed', day))
      .send(event('fileReview.completed', day))
      .send(event('stepDown.authorised', day));
  }

  it('documents-shared-with-all: sent to the sample recipients but not the father, the refusal names mark; the grandmother and the child are not required', () => {
    const run = inSharing();
    const refusal = run.refuse(event('documents.shared', day, { recipients: [...sampleRecipients] }));
    expectRefusal(refusal, 'GATE_BLOCKED', ['documents-shared-with-all']);
    expect(refusal.rules[0]!.reason).toBe(
      'the documents must go to every parent/carer and practitioner still involved and the Lead Professional; not among the recipients: mark.',
    );
    run.send(event('documents.shared', day, { recipients: [...sampleRecipients, father.personId] }));
    expect(run.snapshot.context.closure.sharedAt).toBe(day);
  });

  it('documents-shared-with-all: typing the right names proves nothing: a recipient must be a person of the case, by id', () => {
    const run = inSharing();
    const refusal = run.refuse(event('documents.shared', day, { recipients: [...sampleRecipients, 'Mark-Taylor'] }));
    expectRefusal(refusal, 'GATE_BLOCKED', ['people-on-record', 'documents-shared-with-all']);
    expect(reasons(refusal)[0]).toBe('not a person of this case: Mark-Taylor; add them with person.added first.');
  });
});

describe('lead-professional-attends: the Lead Professional among the attendees, by id', () => {
  it('lead-professional-attends: an attendee that is the Lead Professional by id records no breach; attendees that are not (however the others are worded) record the breach', () => {
    const present = prepared().send(finalMeeting());
    expect(present.breachesOf('lead-professional-attends')).toEqual([]);
    const absent = prepared().send({
      ...finalMeeting(meetingAt, [samplePeople.parent, father.personId, samplePeople.partner]),
      otherAttendees: ['Lead Professional (Oakfield Primary)'],
    });
    expect(absent.breachesOf('lead-professional-attends')).toEqual([
      { rule: 'lead-professional-attends', citation: 'G "Role of the Lead Professional" ¶1', due: null, detectedAt: meetingAt, deadlineId: null },
    ]);
    expect(ofType(absent, 'breach.recorded').map((n) => n.rule)).toEqual(['lead-professional-attends']);
    expectNoFreeText(absent.notifications);
  });
});
