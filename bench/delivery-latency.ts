/**
 * The latency of `send` when the webhook receiver never answers, against a receiver that answers
 * at once, in one run (issue 11: target ≤ 1.2×). Two engines on memory stores, each with a webhook
 * emitter to its own HTTP server on 127.0.0.1 and its relay started (`engine.startDelivery()`): one
 * server answers 204 at once, the other reads the request and never answers. Each sample opens a
 * case (not timed), then times one `send` of the threshold decision, which saves one notification
 * that the relay delivers (or tries to) during a 2 ms pause (untimed) before the next sample. The two engines' samples
 * alternate, so noise on the machine falls on both alike. Before the fix `send` waited for the
 * delivery: a receiver that never answered held every `send` for the emitter's whole timeout.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookEmitter } from '../adapters/webhook.js';
import { createCaseEngine, type CaseEngine } from '../src/index.js';
import { sampleEvent, samplePeople } from '../test/events/samples.js';
import type { BenchRow, BenchSuite } from './harness.js';

const samples = Number(process.env.BENCH_DELIVERY_SAMPLES ?? 1_000);
const warmup = 100;
const secret = 'whsec_' + Buffer.from('a benchmark secret of 32 bytes!!').toString('base64');

const stats: Record<string, { median: number; p99: number; delivered: number; tried: number }> = {};

async function listen(answer: boolean): Promise<{ server: Server; url: string; received: () => number }> {
  let received = 0;
  const server = createServer((request, response) => {
    received += 1;
    request.resume();
    // The hanging receiver reads the whole request and never answers.
    if (answer) request.on('end', () => response.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received: () => received };
}

function engineFor(url: string): CaseEngine {
  const engine = createCaseEngine({
    emitters: [webhookEmitter({ url, secret })],
    now: () => new Date('2024-07-01T09:00:00Z'),
  });
  engine.startDelivery();
  return engine;
}

/** Opens a case (untimed), then times one `send`; milliseconds. */
async function timedSend(engine: CaseEngine, caseId: string): Promise<number> {
  await engine.open({ caseId, route: 'cin-outcome', at: '2024-05-01T10:00:00+01:00', actor: samplePeople.teamManager });
  const start = process.hrtime.bigint();
  await engine.send(caseId, sampleEvent('decision.agreed', '2024-05-01T11:00:00+01:00'));
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done(); waited += 50) {
    if (waited > 60_000) throw new Error('a receiver got no request within a minute: the relay did not run');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export const deliveryLatencySuite: BenchSuite = {
  title: 'Delivery off the write path: `send` latency, receiver that never answers vs one that answers at once',
  baselines: ['send, receiver answers at once'],
  unit: 'ms',
  method:
    `Memory store, webhook emitter to a server on 127.0.0.1, relay started. ${warmup} warm-up sends per engine, ` +
    `then ${samples} timed sends per engine, alternating; each row is the median send (p99 under the table).`,
  async run(): Promise<BenchRow[]> {
    const fast = await listen(true);
    const hanging = await listen(false);
    const engines = { answers: engineFor(fast.url), hangs: engineFor(hanging.url) };
    const times: Record<keyof typeof engines, number[]> = { answers: [], hangs: [] };
    const received = { answers: 0, hangs: 0 };
    try {
      for (let i = 0; i < warmup + samples; i += 1) {
        // After the warm-up, both relays must be talking to their receivers before timing starts.
        if (i === warmup) await until(() => fast.received() > 0 && hanging.received() > 0);
        for (const key of i % 2 === 0 ? (['answers', 'hangs'] as const) : (['hangs', 'answers'] as const)) {
          const ms = await timedSend(engines[key], `C-${i}`);
          if (i >= warmup) times[key].push(ms);
          // A turn of the event loop between sends (untimed), so the relays deliver while sends go on.
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      }
      received.answers = fast.received();
      received.hangs = hanging.received();
    } finally {
      await Promise.all(Object.values(engines).map((e) => e.stop()));
      for (const { server } of [fast, hanging]) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    }
    const rows: BenchRow[] = [];
    const names = { answers: 'send, receiver answers at once', hangs: 'send, receiver never answers' } as const;
    for (const key of ['answers', 'hangs'] as const) {
      const sorted = [...times[key]].sort((a, b) => a - b);
      const median = percentile(sorted, 50);
      stats[key] = { median, p99: percentile(sorted, 99), delivered: 0, tried: received[key] };
      rows.push({ name: names[key], nsPerOp: median * 1e6, opsPerSec: 1000 / median });
    }
    // Proof that the relays ran during the timed sends: the receivers got the requests.
    if (stats['answers']!.tried === 0 || stats['hangs']!.tried === 0) throw new Error('a receiver got no request: the relay did not run');
    return rows;
  },
  summary() {
    const a = stats['answers'];
    const h = stats['hangs'];
    if (!a || !h) return null;
    const f = (ms: number) => ms.toFixed(3);
    return [
      `| receiver | median (ms) | p99 (ms) | requests it received while the sends ran |`,
      `|---|---:|---:|---:|`,
      `| answers at once | ${f(a.median)} | ${f(a.p99)} | ${a.tried} |`,
      `| never answers | ${f(h.median)} | ${f(h.p99)} | ${h.tried} |`,
      ``,
      `Ratio never answers / answers at once: median ${(h.median / a.median).toFixed(2)}×, p99 ${(h.p99 / a.p99).toFixed(2)}× (target ≤ 1.2×).`,
    ].join('\n');
  },
};
