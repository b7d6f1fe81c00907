import { DateTime } from 'luxon';
import type { Stage } from '../machine/notifications.js';
import { escapeHtml as esc } from './escape.js';
import { breachLabel } from '../labels/rules.js';
import { deadlineLabel, outcomeLabels, stageLabels } from '../labels/vocabulary.js';
import { eventLabel } from '../labels/events.js';
import type { RuleId } from '../policy/rules.js';
import { deadlineStatusText, londonDate, londonDateTime, londonDay, roleName, withdrawnBecauseLabels } from './format.js';
import { refusalLabel } from '../labels/refusals.js';
import type { ComplianceReport, ReportDeadline } from './types.js';

const DAY = 86_400_000;
/** Deadlines due further out than this past the last activity are drawn clipped, so a 12-month clock does not squash the case. */
const HORIZON_DAYS = 92;

const width = 1000;
const left = 200;
/** Room right of the plot for the due dates of deadlines that run past the axis. */
const right = 120;
const axisY = 26;
const rowHeight = 24;
const font = 12;

/** Fill colours of the stages, chosen to be told apart in print as well as on screen. */
export const stageColours: Readonly<Record<Stage, string>> = {
  decision: '#6639ba',
  preparation: '#0969da',
  closure: '#1b7c83',
  'early-help': '#2da44e',
  closed: '#57606a',
};

const deadlineFill: Readonly<Record<ReportDeadline['status'], string>> = {
  open: '#f5d90a',
  met: '#8ddb8c',
  'met-late': '#ff8182',
  missed: '#ff8182',
  cancelled: '#d0d7de',
};

const breachColour = '#cf222e';
const withdrawnColour = '#6e7781';

function ms(iso: string): number {
  return DateTime.fromISO(iso, { setZone: true }).toMillis();
}

/** A rough text width for label placement: SVG has no layout, and the page must not need JS to measure. */
function textWidth(text: string): number {
  return text.length * font * 0.58;
}

/** The time axis: from the opening to the last activity, stretched to the due dates within the horizon. */
function domain(report: ComplianceReport): { start: number; end: number } {
  const activity: number[] = [];
  for (const e of report.entries) if (e.at) activity.push(ms(e.at));
  for (const d of report.deadlines) {
    activity.push(ms(d.opensAt));
    if (d.closedAt) activity.push(ms(d.closedAt));
  }
  for (const b of [...report.breaches, ...report.withdrawnBreaches]) {
    activity.push(ms(b.detectedAt));
    if (b.due) activity.push(ms(b.due));
  }
  const valid = activity.filter((t) => Number.isFinite(t));
  const opened = report.openedAt ? ms(report.openedAt) : Math.min(...valid);
  // A report with no dates at all (hand-built, say) still draws: one day from the epoch.
  const first = Number.isFinite(opened) ? opened : 0;
  let last = Math.max(...valid, first);
  const cap = last + HORIZON_DAYS * DAY;
  for (const d of report.deadlines) {
    const due = ms(d.due);
    // An open deadline is shown up to the horizon; a settled one only when its due date is near.
    if (d.status === 'open') last = Math.max(last, Math.min(due, cap));
    else if (d.status !== 'cancelled' && due <= cap) last = Math.max(last, due);
  }
  // Pad both sides so markers at the ends are not cut in half; at least a day for a one-day case.
  const pad = Math.max(DAY, (last - first) * 0.03);
  return { start: first - pad, end: last + pad };
}

/** Tick dates in London: weekly for a short case, monthly, or quarterly for a long one. */
function ticks(start: number, end: number): { at: number; label: string }[] {
  const days = (end - start) / DAY;
  const step = days <= 42 ? { weeks: 1 } : days <= 400 ? { months: 1 } : { months: 3 };
  let cursor = DateTime.fromMillis(start, { zone: 'Europe/London' }).startOf(days <= 42 ? 'week' : 'month');
  if (days > 400) cursor = cursor.set({ month: Math.floor((cursor.month - 1) / 3) * 3 + 1 });
  const out: { at: number; label: string }[] = [];
  for (; cursor.toMillis() <= end; cursor = cursor.plus(step)) {
    if (cursor.toMillis() < start) continue;
    out.push({ at: cursor.toMillis(), label: days <= 42 ? cursor.toFormat('d LLL') : cursor.toFormat('LLL yyyy') });
  }
  return out;
}

/**
 * The case on a date axis, as an inline SVG (no scripts, no external assets): the stages the case
 * went through as coloured spans with their names, every audit entry as a dot (refusals hollow),
 * each deadline as a bar from opening to due coloured by status (a review's 6–8 week window
 * shaded), and each breach as a red diamond where it was found, on its own row and on its deadline;
 * a breach later withdrawn is a hollow grey diamond, and a voided entry a crossed grey circle.
 * Elements carry `data-stage`, `data-deadline`, `data-breach`, `data-withdrawn-breach` and
 * `data-voided-by` so a test can find them, and a `<title>` so a reader can hover for the dates.
 *
 * @example
 * ```ts
 * const svg = timelineSvg(report); // '<svg xmlns="http://www.w3.org/2000/svg" …'
 * ```
 */
export function timelineSvg(report: ComplianceReport): string {
  const { start, end } = domain(report);
  const plotRight = width - right;
  const x = (t: number) => left + ((Math.min(Math.max(t, start), end) - start) / (end - start)) * (plotRight - left);
  const xi = (iso: string) => x(ms(iso));
  const parts: string[] = [];
  let y = axisY + 10;

  // Stages: one band, each span at least 4px wide so a one-day stage is still visible.
  const stageY = y;
  parts.push(rowLabel('Stages', stageY));
  const labelsInside: string[] = [];
  const labelsBelow: { x: number; text: string; stage: Stage }[] = [];
  for (const span of report.stages) {
    const x0 = xi(span.from);
    const endIso = span.to ?? (span.stage === 'closed' ? null : report.asOf);
    let x1 = endIso ? xi(endIso) : plotRight;
    if (span.stage === 'closed') x1 = Math.max(x1, Math.min(plotRight, x0 + 60));
    const w = Math.max(4, x1 - x0);
    const label = stageLabels[span.stage];
    const until = span.to ? ` to ${londonDateTime(span.to)}` : span.stage === 'closed' ? ` (${report.outcome ?? 'closed'})` : ' (current)';
    parts.push(
      `<rect data-stage="${esc(span.stage)}" x="${f(x0)}" y="${f(stageY)}" width="${f(w)}" height="${rowHeight}" rx="3" fill="${stageColours[span.stage]}">` +
        `<title>${esc(`${label}: from ${londonDateTime(span.from)}${until}`)}</title></rect>`,
    );
    if (textWidth(label) + 10 <= w) {
      labelsInside.push(
        `<text class="stage-label" data-stage-label="${esc(span.stage)}" x="${f(x0 + w / 2)}" y="${f(stageY + rowHeight / 2 + 4)}" text-anchor="middle" fill="#ffffff">${esc(label)}</text>`,
      );
    } else {
      labelsBelow.push({ x: x0 + w / 2, text: label, stage: span.stage });
    }
  }
  parts.push(...labelsInside);
  y = stageY + rowHeight + 4;

  // Labels that do not fit inside their span go on lanes below it, each with a leader line.
  const lanes: number[] = [];
  const placed: string[] = [];
  for (const label of labelsBelow) {
    const w = textWidth(label.text);
    const lx = Math.min(Math.max(label.x - w / 2, left), plotRight - w);
    let lane = lanes.findIndex((endX) => endX + 8 <= lx);
    if (lane === -1) {
      lanes.push(0);
      lane = lanes.length - 1;
    }
    lanes[lane] = lx + w;
    const ly = y + 14 + lane * 16;
    placed.push(
      `<line x1="${f(label.x)}" y1="${f(stageY + rowHeight)}" x2="${f(label.x)}" y2="${f(ly - 10)}" stroke="${stageColours[label.stage]}" stroke-width="1"/>` +
        `<text class="stage-label" data-stage-label="${esc(label.stage)}" x="${f(lx)}" y="${f(ly)}" fill="${stageColours[label.stage]}">${esc(label.text)}</text>`,
    );
  }
  parts.push(...placed);
  y += lanes.length * 16 + (lanes.length > 0 ? 10 : 4);

  // Events: every audit entry, accepted solid, refused hollow red, voided crossed grey.
  const eventsY = y + rowHeight / 2;
  parts.push(rowLabel('Events', y));
  for (const e of report.entries) {
    if (!e.at) continue;
    const voided = e.voidedBy === null ? '' : ` — voided by entry ${e.voidedBy}`;
    const title = `Entry ${e.seq}: ${eventLabel(e.type, e.whose)} — ${londonDay(e.at, true)} — ${roleName(e.role)} — ${e.accepted ? 'accepted' : refusalLabel(e.code)}${voided}`;
    const cx = xi(e.at);
    if (e.voidedBy !== null) {
      parts.push(
        `<g data-entry="${e.seq}" data-voided-by="${e.voidedBy}"><title>${esc(title)}</title>` +
          `<circle cx="${f(cx)}" cy="${f(eventsY)}" r="5" fill="#ffffff" stroke="${withdrawnColour}" stroke-width="1.5"/>` +
          `<path d="M${f(cx - 3.5)},${f(eventsY - 3.5)} L${f(cx + 3.5)},${f(eventsY + 3.5)} M${f(cx - 3.5)},${f(eventsY + 3.5)} L${f(cx + 3.5)},${f(eventsY - 3.5)}" stroke="${withdrawnColour}" stroke-width="1.5"/></g>`,
      );
      continue;
    }
    parts.push(
      e.accepted
        ? `<circle data-entry="${e.seq}" cx="${f(cx)}" cy="${f(eventsY)}" r="4" fill="#24292f" fill-opacity="0.55"><title>${esc(title)}</title></circle>`
        : `<circle data-entry="${e.seq}" data-refused="true" cx="${f(cx)}" cy="${f(eventsY)}" r="5" fill="#ffffff" stroke="${breachColour}" stroke-width="2"><title>${esc(title)}</title></circle>`,
    );
  }
  y += rowHeight + 6;

  // Deadlines: one row each.
  for (const d of report.deadlines) {
    parts.push(rowLabel(deadlineLabel(d.id, report.policy.timescales), y, d.id));
    const x0 = xi(d.opensAt);
    const dueMs = ms(d.due);
    const clipped = dueMs > end;
    const x1 = x(dueMs);
    const top = y + 5;
    const h = rowHeight - 10;
    const title = `${deadlineLabel(d.id, report.policy.timescales)}: opened ${londonDateTime(d.opensAt)}, due ${londonDateTime(d.due)}, ${deadlineStatusText(d)}${d.closedAt ? ` ${londonDateTime(d.closedAt)}` : ''}`;
    const dashed = d.status === 'cancelled' ? ' stroke-dasharray="4 3"' : '';
    parts.push(
      `<g data-deadline="${esc(d.id)}" data-status="${esc(d.status)}"><title>${esc(title)}</title>` +
        `<rect x="${f(x0)}" y="${f(top)}" width="${f(Math.max(3, x1 - x0))}" height="${h}" rx="2" fill="${deadlineFill[d.status]}" stroke="#57606a" stroke-width="0.8"${dashed}/>`,
    );
    if (d.windowOpens) {
      const w0 = x(DateTime.fromISO(d.windowOpens, { zone: 'Europe/London' }).toMillis());
      if (w0 < x1) parts.push(`<rect x="${f(w0)}" y="${f(top)}" width="${f(x1 - w0)}" height="${h}" fill="#1a7f37" fill-opacity="0.25"/>`);
    }
    if (clipped) {
      parts.push(`<text x="${f(plotRight + 6)}" y="${f(top + h - 2)}" font-size="11" fill="#24292f">▸ due ${esc(londonDate(d.due))}</text>`);
    } else {
      parts.push(`<line x1="${f(x1)}" y1="${f(y + 2)}" x2="${f(x1)}" y2="${f(y + rowHeight - 2)}" stroke="#24292f" stroke-width="2"/>`);
    }
    if (d.closedAt) {
      const colour = d.status === 'met' ? '#1a7f37' : d.status === 'cancelled' ? '#57606a' : breachColour;
      parts.push(`<circle cx="${f(xi(d.closedAt))}" cy="${f(y + rowHeight / 2)}" r="4.5" fill="${colour}" stroke="#ffffff" stroke-width="1"/>`);
    }
    for (const b of report.breaches.filter((b) => b.deadlineId === d.id)) parts.push(diamond(xi(b.detectedAt), y + rowHeight / 2, 5, null));
    for (const b of report.withdrawnBreaches.filter((b) => b.deadlineId === d.id)) parts.push(hollowDiamond(xi(b.detectedAt), y + rowHeight / 2, 5, null));
    parts.push('</g>');
    y += rowHeight;
  }

  // Breaches: their own row, one marked diamond each, where it was found.
  y += 4;
  parts.push(rowLabel(report.breaches.length === 0 ? 'Breaches: none' : 'Breaches', y));
  report.breaches.forEach((b, index) => {
    const title = `Breach: ${breachLabel(b.rule as RuleId, report.policy.timescales)}${b.due ? ` (due ${londonDateTime(b.due)})` : ''}, found ${londonDateTime(b.detectedAt)}`;
    parts.push(diamond(xi(b.detectedAt), y + rowHeight / 2, 7, { index, rule: b.rule, title }));
  });
  report.withdrawnBreaches.forEach((b, index) => {
    const title =
      `Breach withdrawn: ${breachLabel(b.rule as RuleId, report.policy.timescales)}${b.due ? ` (due ${londonDateTime(b.due)})` : ''}, found ${londonDateTime(b.detectedAt)}, ` +
      `withdrawn ${londonDateTime(b.withdrawnAt)}: ${withdrawnBecauseLabels[b.withdrawnBecause]}`;
    parts.push(hollowDiamond(xi(b.detectedAt), y + rowHeight / 2, 7, { index, rule: b.rule, title }));
  });
  y += rowHeight + 4;

  // The end of the record: the outcome, or the latest date on an open case.
  const markerX = xi(report.asOf || report.openedAt);
  const markerLabel = report.outcome ? `Outcome: ${outcomeLabels[report.outcome] ?? report.outcome}` : `As of ${londonDate(report.asOf)}`;
  parts.push(
    `<line data-marker="${report.outcome ? 'outcome' : 'as-of'}" x1="${f(markerX)}" y1="${axisY}" x2="${f(markerX)}" y2="${f(y)}" stroke="#24292f" stroke-dasharray="3 3"/>` +
      `<text x="${f(Math.min(markerX + 4, plotRight - textWidth(markerLabel)))}" y="${f(y + 12)}" font-size="11" fill="#24292f">${esc(markerLabel)}</text>`,
  );
  const height = y + 22;

  // Axis and grid last in the source but first in paint order: they go in a group drawn underneath.
  const grid = ticks(start, end)
    .map(
      (t) =>
        `<line x1="${f(x(t.at))}" y1="${axisY}" x2="${f(x(t.at))}" y2="${f(height - 20)}" stroke="#d0d7de" stroke-width="1"/>` +
        `<text x="${f(x(t.at))}" y="${axisY - 8}" text-anchor="middle" font-size="11" fill="#57606a">${esc(t.label)}</text>`,
    )
    .join('');
  const voided = report.entries.filter((e) => e.voidedBy !== null).length;
  const summary =
    `Timeline of case ${report.caseId} from ${londonDate(report.openedAt)} to ${londonDate(report.asOf)}: ${report.stages.map((s) => stageLabels[s.stage]).join(', ')}; ` +
    `${report.deadlines.length} deadline(s); ${report.breaches.length} breach(es); ${report.withdrawnBreaches.length} withdrawn; ${voided} voided entr${voided === 1 ? 'y' : 'ies'}.`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ${width} ${f(height)}" width="100%" role="img" aria-labelledby="timeline-title" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="${font}">` +
    `<title id="timeline-title">${esc(summary)}</title>` +
    `<g class="grid">${grid}<line x1="${left}" y1="${axisY}" x2="${plotRight}" y2="${axisY}" stroke="#57606a"/></g>` +
    parts.join('') +
    '</svg>'
  );
}

function rowLabel(text: string, y: number, hint?: string): string {
  const shown = text.length > 30 ? `${text.slice(0, 29)}…` : text;
  const title = hint || shown !== text ? `<title>${esc(hint ? `${text} (${hint})` : text)}</title>` : '';
  return `<text x="${left - 10}" y="${f(y + rowHeight / 2 + 4)}" text-anchor="end" fill="#24292f">${title}${esc(shown)}</text>`;
}

function diamond(cx: number, cy: number, r: number, breach: { index: number; rule: string; title: string } | null): string {
  const points = `${f(cx)},${f(cy - r)} ${f(cx + r)},${f(cy)} ${f(cx)},${f(cy + r)} ${f(cx - r)},${f(cy)}`;
  if (!breach) return `<polygon points="${points}" fill="${breachColour}" stroke="#ffffff" stroke-width="1"/>`;
  return (
    `<polygon data-breach="${breach.index}" data-rule="${esc(breach.rule)}" points="${points}" fill="${breachColour}" stroke="#ffffff" stroke-width="1.5">` +
    `<title>${esc(breach.title)}</title></polygon>`
  );
}

/** A withdrawn breach: the diamond's outline only, grey, so it reads as taken back, not as a breach. */
function hollowDiamond(cx: number, cy: number, r: number, breach: { index: number; rule: string; title: string } | null): string {
  const points = `${f(cx)},${f(cy - r)} ${f(cx + r)},${f(cy)} ${f(cx)},${f(cy + r)} ${f(cx - r)},${f(cy)}`;
  if (!breach) return `<polygon points="${points}" fill="#ffffff" stroke="${withdrawnColour}" stroke-width="1.5"/>`;
  return (
    `<polygon data-withdrawn-breach="${breach.index}" data-rule="${esc(breach.rule)}" points="${points}" fill="#ffffff" stroke="${withdrawnColour}" stroke-width="2">` +
    `<title>${esc(breach.title)}</title></polygon>`
  );
}

/** Coordinates to one decimal: shorter markup, no visible difference. */
function f(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}
