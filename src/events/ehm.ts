import { defineEvent, text, textList } from './common.js';

/** The CAF Link Worker asks the Social Worker for more information (G "Role of the CAF Link Worker" ¶2); any number of rounds. */
export const ehmInfoRequestedSchema = defineEvent(
  'ehm.infoRequested',
  'The CAF Link Worker, quality assuring the CAF in EHM, asks the Social Worker for more information (G "Role of the CAF Link Worker" ¶2). Any number of rounds.',
  {
    questions: textList('What the CAF Link Worker needs to know (at least one question).'),
  },
);

/** The Social Worker answers the CAF Link Worker (G "Role of the CAF Link Worker" ¶2). */
export const ehmInfoProvidedSchema = defineEvent(
  'ehm.infoProvided',
  "The Social Worker answers the CAF Link Worker's request for information (G \"Role of the CAF Link Worker\" ¶2).",
  {
    answers: text.describe('The information given.'),
  },
);

/** The CAF Link Worker authorises the CAF in EHM; the file transfers to EHM (G "Role of the CAF Link Worker" ¶2–3). */
export const ehmAuthorisedSchema = defineEvent(
  'ehm.authorised',
  'The CAF Link Worker quality assures and authorises the CAF assessment in EHM; the file transfers to EHM (G "Role of the CAF Link Worker" ¶2–3).',
  {},
);

/** The CAF Link Worker contacts the Lead Professional (G "Role of the CAF Link Worker" ¶3). */
export const leadProfessionalContactedSchema = defineEvent(
  'leadProfessional.contacted',
  'Once the file is in EHM, the CAF Link Worker contacts the Lead Professional to offer support and guidance (G "Role of the CAF Link Worker" ¶3).',
  {},
);

/** The EHM quality assurance events. */
export const ehmEventSchemas = [
  ehmInfoRequestedSchema,
  ehmInfoProvidedSchema,
  ehmAuthorisedSchema,
  leadProfessionalContactedSchema,
] as const;
