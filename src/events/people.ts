import { z } from 'zod';
import { idSchema } from '../ids/id.js';
import { defineEvent, text } from './common.js';

/**
 * How a person stands to the case. The policy's rules about people follow from it: the views of the
 * child, each parent/carer and each partner practitioner (G "Decision made to step down from CSC to
 * CAF" ¶1); consent from a parent/carer (¶1); documents to all family and partners (G "Role of the
 * Social Worker" ¶2); a Lead Professional from a partner agency (¶2).
 */
export const relationshipSchema = z
  .enum(['child', 'parent-carer', 'family-member', 'practitioner'])
  .describe("'child', 'parent-carer', 'family-member' (another family member) or 'practitioner' (a partner agency's).");

/** How a person stands to the case: the type of {@link relationshipSchema}. */
export type Relationship = z.infer<typeof relationshipSchema>;

const personId = idSchema.describe("The host's id of the person, unique in the case: id-shaped, never a name.");

/**
 * A person joins the case record: the child, a parent/carer, another family member or a partner
 * agency's practitioner. Names are display text kept in the event; every rule compares the id.
 */
export const personAddedSchema = defineEvent(
  'person.added',
  "A person joins the case record: the child, a parent/carer, another family member or a partner agency's practitioner (G \"Decision made to step down from CSC to CAF\" ¶1, G \"Role of the Social Worker\" ¶2). Later events name them by personId.",
  {
    personId,
    relationship: relationshipSchema,
    name: text.describe('Their name, as display text.'),
    agency: text.optional().describe("A practitioner's agency, e.g. the school: required for a practitioner."),
    parentalResponsibility: z
      .boolean()
      .optional()
      .describe('For a parent/carer: whether they hold parental responsibility.'),
  },
).superRefine((event, ctx) => {
  if (event.relationship === 'practitioner' && event.agency === undefined) {
    ctx.addIssue({ code: 'custom', path: ['agency'], message: "required for a practitioner: their agency" });
  }
  if (event.relationship !== 'practitioner' && event.agency !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['agency'], message: 'only a practitioner has an agency' });
  }
  if (event.relationship !== 'parent-carer' && event.parentalResponsibility !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['parentalResponsibility'], message: 'only a parent/carer has parental responsibility on this record' });
  }
});

/** A person's record is corrected or brought up to date: only the fields that change. */
export const personUpdatedSchema = defineEvent(
  'person.updated',
  "A person's record changes: a new name, a practitioner's new agency, parental responsibility gained or lost. Only the fields that change.",
  {
    personId,
    name: text.optional().describe('Their name, as display text.'),
    agency: text.optional().describe("A practitioner's agency."),
    parentalResponsibility: z.boolean().optional().describe('For a parent/carer: whether they hold parental responsibility.'),
  },
).superRefine((event, ctx) => {
  if (event.name === undefined && event.agency === undefined && event.parentalResponsibility === undefined) {
    ctx.addIssue({ code: 'custom', path: [], message: 'nothing to update: give name, agency or parentalResponsibility' });
  }
});

/** A person is no longer involved: views, consent and documents are no longer asked of them. */
export const involvementEndedSchema = defineEvent(
  'involvement.ended',
  'A person is no longer involved with the child: from then on their view, consent and copies of the documents are not required.',
  {
    personId,
    reason: text.describe('Why their involvement ended.'),
  },
);

/** The events about the case's people. */
export const peopleEventSchemas = [personAddedSchema, personUpdatedSchema, involvementEndedSchema] as const;
