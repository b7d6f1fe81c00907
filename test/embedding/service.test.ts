import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import { startService } from '../../examples/embedding/service.js';

// The guide's in-process HTTP service.
describe('examples/embedding/service.ts', () => {
  it('listens, answers /healthz and refuses a request without a token, and closes', async () => {
    const { url, close } = await startService(memoryStore(), { secret: 'a-shared-secret-of-at-least-32-bytes!!' }, 0);
    try {
      const base = url.replace('0.0.0.0', '127.0.0.1');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const anonymous = await fetch(`${base}/cases/C-1`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    } finally {
      await close();
    }
  });
});
