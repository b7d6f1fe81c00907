// The HTTP service inside a Node host: the host owns the engine, the store and the port, and closes
// the service on shutdown (the requests in flight are answered first).
import { createCaseEngine, type CaseStore } from '../../src/index.js';
import { createServer, type ServerAuth } from '../../src/server/index.js';

export async function startService(store: CaseStore, auth: ServerAuth, port = 8080): Promise<{ url: string; close: () => Promise<void> }> {
  const engine = createCaseEngine({ store });
  engine.startDelivery();
  const server = createServer(engine, { auth });
  const url = await server.listen({ host: '0.0.0.0', port });
  const close = async () => {
    await server.close();
    await engine.stop();
  };
  process.once('SIGTERM', () => void close());
  return { url, close };
}

// With the council's identity provider:
// await startService(postgresStore({ client: pool }), { jwksUrl: 'https://login.example.gov.uk/.well-known/jwks.json', audience: 'caf-step-down' });
