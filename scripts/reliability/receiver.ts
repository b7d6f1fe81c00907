/**
 * A webhook receiver on 127.0.0.1 for the cluster run: it checks every request's signature with the
 * `standardwebhooks` package, as a host's receiver would, counts messages by their `webhook-id`,
 * and answers every `failEvery`-th request with a 503 so the senders' retries are exercised too.
 */
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** What the receiver saw. */
export interface Receiver {
  readonly url: string;
  readonly secret: string;
  /** Validly signed deliveries answered 2xx, by message id. */
  readonly delivered: ReadonlyMap<string, number>;
  /** Requests whose signature did not verify: must be 0. */
  readonly invalid: () => number;
  /** Requests answered 503 on purpose. */
  readonly refused: () => number;
  close(): Promise<void>;
}

export async function startReceiver(failEvery: number): Promise<Receiver> {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const verifier = new Webhook(secret);
  const delivered = new Map<string, number>();
  let invalid = 0;
  let refused = 0;
  let requests = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests += 1;
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
      try {
        verifier.verify(Buffer.concat(chunks).toString('utf8'), headers);
      } catch {
        invalid += 1;
        response.writeHead(400).end();
        return;
      }
      if (failEvery > 0 && requests % failEvery === 0) {
        refused += 1;
        response.writeHead(503).end();
        return;
      }
      const id = headers['webhook-id']!;
      delivered.set(id, (delivered.get(id) ?? 0) + 1);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    secret,
    delivered,
    invalid: () => invalid,
    refused: () => refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
