/**
 * The command line's help: one page for the whole tool, and one per command. Kept apart from the
 * runner so the words can be read and reviewed as text.
 */

const overview = `caf-step-down: the council's step-down policy (Children's Social Care to Early Help) as code.

Usage:
  caf-step-down simulate <scenario file or built-in name> [--json] [--ids] [--store <store>] [--case-id <id>]
  caf-step-down report <case id or scenario> [--format md|html|mermaid] [--out <file>] [--store <store>]
  caf-step-down diagram [--out <file>]
  caf-step-down list [--json]
  caf-step-down worklist --store <store> [--role <role>] [--person <id>] [--due-within <N>wd] [--breached] [--json]
  caf-step-down verify --store <store> [--json]
  caf-step-down serve --store <store> [--port <N>] [--host <address>]
  caf-step-down caseload --store <store> [--role <role>] [--out <file>]
  caf-step-down help [command]
  caf-step-down policy [--format md|html] [--out <file>]

Commands:
  simulate   Run a scenario through the policy on real dates with the real bank holidays and print
             its timeline: date, who, what, the stage after, deadlines opened, met or missed,
             breaches and refusals. Exit code 1 when the run does not come out as the scenario expects.
  report     The compliance report of a case: every rule met, breached, pending or not applicable,
             with its evidence and citation, as Markdown, a self-contained HTML page, or the case's
             deadlines as a Mermaid Gantt chart. A case in --store, or a scenario run first.
  diagram    The policy's statechart as a Mermaid state diagram, generated from the machine.
  list       List the built-in scenarios and what each expects.
  worklist   The steps waiting across every case of a store, soonest due first: what, from whom
             (role, person id, user id), by when, and whether its deadline is already missed.
  policy     The policy beside its code: each paragraph of the practice guidance and each step of
             the flowchart, with the rules that cite it, where the code enforces them and the tests
             that prove them, and the coverage (paragraphs cited of paragraphs in the texts).
  verify     Check every case of a store: each audit trail's chain, its head and version, and a
             replay. Each broken case by id and code; exit code 1 when any is broken.
  serve      The engine as an HTTP service for hosts in any language (OpenAPI at /openapi.json);
             callers authenticate with a bearer JWT (see caf-step-down help serve).
  caseload   A team's caseload as one accessible HTML page: every open case with its stage, what it
             waits for, from whom, by when and its breaches, overdue first, filterable by role and
             by breach without a server.

Options:
  --json              Print machine-readable JSON instead of text.
  --ids               simulate: the developer's timeline (event types, rule ids, deadline ids)
                      instead of plain English.
  --store <store>     Where the case is kept: memory (default), file:<directory>, or
                      postgres:<url> (needs the pg package; the tables are created if missing).
  --case-id <id>      Run the scenario as this case id (default sim-<scenario name>); a family
                      scenario's cases as <id>-<key>.
  --format <format>   report: md (default), html, or mermaid (a Gantt chart of the deadlines).
                      policy: md (default) or html.
  --out <file>        report, diagram, policy, caseload: write to the file instead of standard output.
  --role <role>       worklist, caseload: only the steps of this role (e.g. team-manager).
  --person <id>       worklist: only the steps of this person (a Lead Professional's person id).
  --due-within <N>wd  worklist: only the steps due by the end of the Nth working day after today.
  --breached          worklist: only the steps whose deadline is already missed.
  --today <date>      worklist: count --due-within from this date (YYYY-MM-DD) instead of today.
  --port <N>          serve: the port to listen on (default 8080).
  --host <address>    serve: the address to listen on (default 127.0.0.1; 0.0.0.0 in a container).
  -h, --help          Show help.
  -v, --version       Show the version.

Exit codes: 0 done (and as expected), 1 not as the scenario expects, 2 bad arguments or a bad
scenario file, 3 the store failed.
`;

const perCommand: Readonly<Record<string, string>> = {
  simulate: `Usage: caf-step-down simulate <scenario file or built-in name> [--json] [--ids] [--store <store>] [--case-id <id>]

Runs the scenario's steps through the engine and prints the timeline, in plain English: who (by
role), what happened, the stage after, deadlines and breaches in words with the policy's citations
written out. --ids prints the developer's view instead: event types, rule ids and deadline ids.
A built-in scenario is named
without .json (see caf-step-down list); anything with a slash or ending in .json is a file.

A scenario file is JSON: name, description, route, optional division and caseId, openedAt, the
people the case opens with ([{ "id", "relationship" }], the fictional family by default), and
steps. Siblings stepping down together are a "family": { "familyId", "cases": [{ "key", "people" }] };
each event step then names its "case" by key, or sends one record to every open case with
"toFamily": true (all or nothing), and "expect" may give "cases": { <key>: { … } }. A step is { "at", "as": <role>, "event": <event type>, "payload": { <overrides> } } or a
tick of the clock { "at", "tick": true }; events name people by id ("personId": "carer-1"). An
event step may give its "eventId" (default step-<n>, what event.voided names) and "recordedAt"
(when it was recorded, if later than "at"), and "actorPersonId" (the person a lead-professional
acts as; by default the case's Lead Professional). Any step may carry "expect" (stage, outcome,
breaches, deadlines, voided, pending) and an event step "expectRefusal": <code>. A date alone ("2024-12-27") means
10:00 London time (02:00 for a tick). The scenario's own "expect" is checked after the last step.
The timeline shows people by id, never by name.

Examples:
  caf-step-down simulate review-missed-over-christmas
  caf-step-down simulate ./my-case.json --json
  caf-step-down simulate straightforward --store file:./cases
`,
  report: `Usage: caf-step-down report <case id or scenario> [--format md|html|mermaid] [--out <file>] [--store <store>] [--case-id <id>]

The compliance report of one case. With --store, a case of that id in the store is reported as it
stands; otherwise the argument is a scenario (a file or a built-in name), run first (in memory, or
on --store) and its case reported (a family scenario's first case; report the others by id with
--store). Formats: md (Markdown, the default), html (a self-contained page with the case's
timeline), mermaid (the case's deadlines as a Mermaid Gantt chart).

Examples:
  caf-step-down report review-missed-over-christmas --format html --out christmas.html
  caf-step-down report sim-straightforward --store file:./cases
`,
  diagram: `Usage: caf-step-down diagram [--out <file>]

The statechart of the step-down policy as a Mermaid state diagram, generated from the machine
itself: each transition labelled with its event and the rules that guard it.
`,
  verify: `Usage: caf-step-down verify --store <store> [--json]

Checks every case of the store, for a nightly job: each audit trail's hash chain and case ids,
that it ends at the head the case keeps (no entry cut off or added), the stored version, and a
replay of the trail against the stored case. Prints a progress line on standard error every 100
cases, then a summary: each broken case by id, code and problem (ids only, never content). Exit
code 1 when any case is broken. Head signatures need the key: run engine.verifyAll in the host
that has it (see docs/security.md).
`,
  worklist: `Usage: caf-step-down worklist --store <store> [--role <role>] [--person <id>] [--due-within <N>wd] [--breached] [--today <date>] [--json]

The steps waiting across every case of the store, soonest due first (steps without a due date
last), from the work-list index the store keeps: the date it falls due, the case and its family,
the stage, the step and its detail (a person's or disagreement's id), the role, the person (the
Lead Professional's person id) and the user (the Team Manager who agreed the decision) who take it,
and MISSED when its deadline has already passed. Ids and dates only, never a name.

--due-within 5wd lists what is due by the end of the 5th working day after today, London time,
weekends and bank holidays of England and Wales skipped; --today <date> counts from another date.
At most 1,000 steps; --json prints the work items.

Examples:
  caf-step-down worklist --store file:./cases --role team-manager --due-within 5wd
  caf-step-down worklist --store file:./cases --person lp-1
  caf-step-down worklist --store postgres:postgres://user@localhost:5432/stepdown --breached --json
`,
  policy: `Usage: caf-step-down policy [--format md|html] [--out <file>]

The practice guidance and the flowchart, paragraph by paragraph in order, each followed by the rules
that cite it: kind, summary, where the code enforces it and the tests that prove it. A paragraph no
rule cites says so, with the reason docs/decisions.md gives. md (the default) is docs/policy.md;
html is one self-contained page. The coverage, paragraphs cited of paragraphs in the texts, is also
printed on standard error.

Examples:
  caf-step-down policy --format html --out policy.html
  caf-step-down policy > policy.md
`,
  serve: `Usage: caf-step-down serve --store <store> [--port <N>] [--host <address>]

Runs the engine as an HTTP service until SIGTERM or SIGINT, then finishes the requests in flight
and stops. The endpoints are in docs/openapi.json (and at /openapi.json): open a case, send an
event, read a case, its history, explain, the compliance report, the work list, tick, verify;
/healthz and /readyz need no token. Errors are RFC 9457 problems with the library's error code.

Every other request needs "Authorization: Bearer <JWT>". The event's actor is the caller: the
token's user id, role (one of the policy's roles) and person id claims. Set in the environment:
  CAF_STEP_DOWN_JWT_SECRET        a shared HMAC key (HS256/384/512), at least 32 bytes, or
  CAF_STEP_DOWN_JWKS_URL          the identity provider's JSON Web Key Set URL (exactly one of the two)
  CAF_STEP_DOWN_JWT_ISSUER        the iss every token must carry (optional)
  CAF_STEP_DOWN_JWT_AUDIENCE      the aud every token must carry (optional)
  CAF_STEP_DOWN_JWT_USER_CLAIM    the claim holding the user id (default sub)
  CAF_STEP_DOWN_JWT_ROLE_CLAIM    the claim holding the role (default role)
  CAF_STEP_DOWN_JWT_PERSON_CLAIM  the claim holding the person id (default person_id)

Examples:
  CAF_STEP_DOWN_JWKS_URL=https://login.example.gov.uk/.well-known/jwks.json \\
    caf-step-down serve --store postgres:postgres://stepdown@db:5432/stepdown --port 8080 --host 0.0.0.0
`,
  caseload: `Usage: caf-step-down caseload --store <store> [--role <role>] [--out <file>]

A team's caseload as one self-contained HTML page in the GOV.UK style: every open case of the store
with its stage, the step it waits for, from whom, when it falls due and its breaches, overdue first.
Links at the top show all cases, the cases with a breach, or one role's; the page needs no server
and no JavaScript. --role keeps only that role's steps. Ids, dates and labels only, never a name.

Examples:
  caf-step-down caseload --store file:./cases --out caseload.html
  caf-step-down caseload --store file:./cases --role team-manager --out team-manager.html
`,
  list: `Usage: caf-step-down list [--json]

Lists the built-in scenarios (examples/scenarios in the package) with their route, expected
outcome and expected breaches.
`,
};

/**
 * The help for a command, or the overview when none (or an unknown one) is named.
 *
 * @example
 * ```ts
 * process.stdout.write(helpText('simulate'));
 * ```
 */
export function helpText(command?: string): string {
  return (command !== undefined && perCommand[command]) || overview;
}
