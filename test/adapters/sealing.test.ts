import { createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSealer, type EncryptionOptions, type SealedAuditEntry, type SealedNotification, type SealedSnapshot } from '../../adapters/sealing.js';
import { chainEntry } from '../../src/engine/audit-chain.js';
import { isStepDownError, type AuditEntry, type OutboxMessage, type PersistedCase } from '../../src/index.js';

const key = randomBytes(32);
const entry: AuditEntry = chainEntry(null, {
  caseId: 'C-1',
  type: 'views.recorded',
  event: { type: 'views.recorded', view: 'Leo would like to stay at his school' },
  actor: { id: 'sw-amira-khan', role: 'social-worker' },
  at: '2024-05-01T10:00:00+01:00',
  recordedAt: '2024-05-01T10:00:01.000Z',
  stateBefore: ['a'],
  stateAfter: ['a'],
  version: 2,
  rules: { checked: ['views-recorded'], breached: [] },
  accepted: true,
  errorCode: null,
});

function code(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isStepDownError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

describe('sealing', () => {
  it('checks the keys when the store is made, never quoting a key', () => {
    const bad: [EncryptionOptions, string][] = [
      [{ keys: { k1: randomBytes(16) }, current: 'k1' }, 'must be 32 bytes'],
      [{ keys: { k1: key }, current: 'k2' }, 'encryption.current'],
      [{ keys: { 'k 1': key }, current: 'k 1' }, 'key id'],
      [{ keys: {}, current: 'k1' }, 'encryption.current'],
    ];
    for (const [options, words] of bad) {
      expect(code(() => createSealer(options))).toBe('INVALID_ARGUMENT');
      expect(() => createSealer(options)).toThrow(words);
    }
  });

  it('seals with a fresh IV each time, so the same record never gives the same ciphertext', () => {
    const sealer = createSealer({ keys: { k1: key }, current: 'k1' });
    const [a, b] = [sealer.sealEntry(entry) as SealedAuditEntry, sealer.sealEntry(entry) as SealedAuditEntry];
    expect(a.sealed.iv).not.toBe(b.sealed.iv);
    expect(a.sealed.data).not.toBe(b.sealed.data);
    expect(sealer.openEntry(a, a.caseId)).toEqual(entry);
  });

  it('opens an entry as the case it is read for: a trail moved to another case fails to open, its clear case id edited or not', () => {
    const sealer = createSealer({ keys: { k1: key }, current: 'k1' });
    const sealed = sealer.sealEntry(entry) as SealedAuditEntry;
    expect(code(() => sealer.openEntry(sealed, 'C-2'))).toBe('DECRYPTION_FAILED');
    expect(code(() => sealer.openEntry({ ...sealed, caseId: 'C-2' }, 'C-2'))).toBe('DECRYPTION_FAILED');
    // Its own place still opens: the additional data of entries sealed before this rule is unchanged.
    expect(sealer.openEntry(sealed, 'C-1')).toEqual(entry);
  });

  it('is the documented format: a host in another language opens a seal with the key and the additional data', () => {
    const sealer = createSealer({ keys: { k1: key }, current: 'k1' });
    const open = (seal: SealedAuditEntry['sealed'], aad: unknown[]) => {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(seal.iv, 'base64'));
      decipher.setAAD(Buffer.from(JSON.stringify(aad), 'utf8'));
      decipher.setAuthTag(Buffer.from(seal.tag, 'base64'));
      return JSON.parse(Buffer.concat([decipher.update(Buffer.from(seal.data, 'base64')), decipher.final()]).toString('utf8'));
    };
    const sealedEntry = sealer.sealEntry(entry) as SealedAuditEntry;
    expect(open(sealedEntry.sealed, ['caf-step-down', 1, 'audit', 'C-1', 1, 'k1'])).toEqual({
      event: entry.event,
      actor: { id: 'sw-amira-khan' },
    });
    // The context and the ledger of events beside it (keyed by the host's event ids) are sealed together.
    const ledger = { 'view-leo': { type: 'views.recorded', digest: 'a'.repeat(64), role: 'social-worker', at: '2024-05-01T10:00:00+01:00', voidedBy: null } };
    const snapshot = { machineVersion: 2, value: 'x', context: { caseId: 'C-1' }, ledger } as unknown as PersistedCase;
    const sealedSnapshot = sealer.sealSnapshot('C-1', 7, snapshot) as SealedSnapshot;
    expect(sealedSnapshot).toEqual({ machineVersion: 2, value: 'x', sealed: expect.any(Object) });
    expect(open(sealedSnapshot.sealed, ['caf-step-down', 1, 'case', 'C-1', 7, 'k1'])).toEqual({ context: { caseId: 'C-1' }, ledger });
  });

  it('seals a notification as documented: its type beside the seal, bound to case id, message id and type', () => {
    const sealer = createSealer({ keys: { k1: key }, current: 'k1' });
    const notification = { type: 'deadline.opened', caseId: 'C-1', rule: 'views-recorded', deadlineId: 'views-recorded:p-mum', due: '2024-05-08T23:59:59+01:00' };
    const message = { id: 'C-1:v2:0', caseId: 'C-1', notification, attempts: 0, availableAt: 5 } as unknown as OutboxMessage;
    const stored = sealer.sealMessage(message);
    expect(JSON.stringify(stored)).not.toContain('p-mum');
    const { type, sealed } = stored.notification as SealedNotification;
    expect(type).toBe('deadline.opened');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(JSON.stringify(['caf-step-down', 1, 'outbox', 'C-1', 'C-1:v2:0', 'deadline.opened', 'k1']), 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    expect(JSON.parse(Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8'))).toEqual(notification);
    expect(sealer.openMessage(stored)).toEqual(message);
    expect(code(() => sealer.openMessage({ ...stored, id: 'C-1:v2:1' }))).toBe('DECRYPTION_FAILED');
    expect(code(() => sealer.openMessage({ ...stored, caseId: 'C-2' }))).toBe('DECRYPTION_FAILED');
    expect(code(() => sealer.openMessage({ ...stored, notification: { type: 'breach.recorded', sealed } }))).toBe('DECRYPTION_FAILED');
    // A message queued in clear is read as it is; a store without keys refuses a sealed one.
    expect(sealer.openMessage(message)).toBe(message);
    expect(code(() => createSealer(undefined).openMessage(stored))).toBe('ENCRYPTION_KEY_MISSING');
  });

  it('names neither the data nor a key id it could not have written when a seal is malformed', () => {
    const sealer = createSealer({ keys: { k1: key }, current: 'k1' });
    const sealed = sealer.sealEntry(entry) as SealedAuditEntry;
    const forged = { ...sealed, sealed: { ...sealed.sealed, kid: 'Leo Taylor, 4 Rose Lane' } };
    try {
      sealer.openEntry(forged, forged.caseId);
      expect.unreachable();
    } catch (error) {
      expect(isStepDownError(error, 'DECRYPTION_FAILED')).toBe(true);
      expect((error as Error).message).not.toContain('Leo');
      expect((error as { details: unknown }).details).toEqual({ caseId: 'C-1', seq: 1, keyId: null });
    }
    expect(code(() => sealer.openEntry({ ...sealed, sealed: { ...sealed.sealed, tag: 'AAAA' } }, 'C-1'))).toBe('DECRYPTION_FAILED');
  });

  it('without keys seals nothing, reads clear records and refuses sealed ones', () => {
    const sealed = createSealer({ keys: { k1: key }, current: 'k1' }).sealEntry(entry);
    const bare = createSealer(undefined);
    expect(bare.sealEntry(entry)).toBe(entry);
    expect(bare.openEntry(entry, 'C-1')).toBe(entry);
    expect(bare.stale(entry)).toBe(false);
    expect(code(() => bare.openEntry(sealed, 'C-1'))).toBe('ENCRYPTION_KEY_MISSING');
  });
});
