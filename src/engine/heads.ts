import { createHash, createHmac, createPublicKey, KeyObject, sign as edSign, timingSafeEqual, verify as edVerify } from 'node:crypto';
import { StepDownError } from '../errors.js';

/**
 * Where a case's audit trail ends: its last entry's sequence number and hash, and the case's version.
 * A store keeps it with the case and replaces it, in the same atomic write, with every entry.
 */
export interface CaseHead {
  readonly caseId: string;
  /** The last entry's sequence number: how many entries the trail holds. */
  readonly seq: number;
  /** The last entry's hash (64 hex digits). */
  readonly hash: string;
  /** The case's version after that entry. */
  readonly version: number;
}

/**
 * A {@link CaseHead} with, when the engine has a signing key, the name of the key and its
 * signature: base64 of the 4-byte key id followed by the signature of the head's note text (`docs/security.md`), as a
 * signature line of a C2SP signed note carries it. Without a key both are absent.
 */
export interface SignedHead extends CaseHead {
  readonly keyName?: string;
  readonly signature?: string;
}

/**
 * The key that signs heads: an Ed25519 private `KeyObject`, or an HMAC-SHA256 secret of at least
 * 32 bytes (bytes, or a secret `KeyObject`).
 */
export type HeadSigningKey = KeyObject | Uint8Array;

/**
 * The key that checks heads: an Ed25519 public (or private) `KeyObject`, or the HMAC-SHA256 secret
 * that signed them.
 */
export type HeadVerificationKey = KeyObject | Uint8Array;

/** The key name when none is given: a key name has no spaces and no `+` (signed-note rules). */
export const defaultHeadKeyName = 'caf-step-down';

/** A key as heads use it: its name, its 4-byte id, how it signs and checks. */
export interface HeadKey {
  readonly name: string;
  readonly algorithm: 'ed25519' | 'hmac-sha256';
  /** SHA-256(name ‖ 0x0A ‖ type ‖ public part)[:4], as a signed note's key id. */
  readonly id: Buffer;
  /** Null for a key that can only check (an Ed25519 public key). */
  readonly sign: ((text: Buffer) => Buffer) | null;
  readonly verify: (text: Buffer, signature: Buffer) => boolean;
}

const keyNamePattern = /^[^\s+]{1,128}$/u;
/** Signed-note type 0xff (an algorithm without an assigned byte) followed by this identifier. */
const hmacType = Buffer.concat([Buffer.from([0xff]), Buffer.from('caf-step-down/hmac-sha256', 'utf8')]);

/**
 * The {@link HeadKey} of a signing or verification key. `INVALID_ARGUMENT` for a key that is
 * neither an Ed25519 key nor an HMAC secret of at least 32 bytes, or a name with a space or `+`.
 *
 * @example
 * ```ts
 * const { privateKey } = generateKeyPairSync('ed25519');
 * const key = headKey(privateKey, 'council.example/step-down');
 * key.id.toString('hex'); // the 4-byte key id that heads' signature lines carry
 * ```
 */
export function headKey(key: HeadSigningKey | HeadVerificationKey, name: string = defaultHeadKeyName): HeadKey {
  if (typeof name !== 'string' || !keyNamePattern.test(name)) {
    throw new StepDownError('INVALID_ARGUMENT', 'audit.keyName must be 1–128 characters without spaces or "+" (a signed-note key name).');
  }
  const idOf = (type: Buffer, publicPart: Buffer) =>
    createHash('sha256').update(name, 'utf8').update(Buffer.from([0x0a])).update(type).update(publicPart).digest().subarray(0, 4);
  if (key instanceof KeyObject && key.asymmetricKeyType === 'ed25519') {
    const publicKey = key.type === 'private' ? createPublicKey(key) : key;
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
    return {
      name,
      algorithm: 'ed25519',
      id: idOf(Buffer.from([0x01]), raw),
      sign: key.type === 'private' ? (text) => edSign(null, text, key) : null,
      verify: (text, signature) => signature.length === 64 && edVerify(null, text, publicKey, signature),
    };
  }
  const secret = key instanceof KeyObject && key.type === 'secret' ? key.export() : key instanceof Uint8Array ? Buffer.from(key) : null;
  if (secret === null || secret.length < 32) {
    // Nothing of the key is quoted, not even its length: it is a secret.
    throw new StepDownError(
      'INVALID_ARGUMENT',
      'audit.signingKey must be an Ed25519 KeyObject (node:crypto generateKeyPairSync("ed25519")) or an HMAC-SHA256 secret of at least 32 bytes.',
    );
  }
  const mac = (text: Buffer) => createHmac('sha256', secret).update(text).digest();
  // The secret never enters the id: the id is of a digest of it, as a public key stands for a private one.
  const id = idOf(hmacType, createHash('sha256').update(secret).digest());
  return {
    name,
    algorithm: 'hmac-sha256',
    id,
    sign: mac,
    verify: (text, signature) => signature.length === 32 && timingSafeEqual(mac(text), signature),
  };
}

/** The origin line of a case's head note: one log per case. */
export function headOrigin(caseId: string): string {
  return `caf-step-down/case/${caseId}`;
}

/**
 * The text a head's signature covers, modelled on a C2SP tlog-checkpoint: the origin line, the
 * trail's size (the last sequence number), the last hash in base64, and one extension line with
 * the case's version, each ending in a newline.
 *
 * @example
 * ```ts
 * headNoteText({ caseId: 'C-1', seq: 3, hash: 'ab…', version: 2 });
 * // "caf-step-down/case/C-1\n3\nq…=\nversion 2\n"
 * ```
 */
export function headNoteText(head: CaseHead): string {
  return `${headOrigin(head.caseId)}\n${head.seq}\n${Buffer.from(head.hash, 'hex').toString('base64')}\nversion ${head.version}\n`;
}

/** Signs `head` with `key`: the signature as a signed note's line carries it (key id ‖ signature, base64). */
export function signHead(head: CaseHead, key: HeadKey): SignedHead {
  if (key.sign === null) throw new StepDownError('INVALID_ARGUMENT', 'audit.signingKey must be a private Ed25519 key or an HMAC secret: a public key cannot sign.');
  const plain: CaseHead = { caseId: head.caseId, seq: head.seq, hash: head.hash, version: head.version };
  const signature = key.sign(Buffer.from(headNoteText(plain), 'utf8'));
  return { ...plain, keyName: key.name, signature: Buffer.concat([key.id, signature]).toString('base64') };
}

/** True when `head` carries a signature by `key` (same name, same key id) that verifies over its text. */
export function headSignedBy(head: SignedHead, key: HeadKey): boolean {
  if (head.keyName !== key.name || typeof head.signature !== 'string') return false;
  const bytes = Buffer.from(head.signature, 'base64');
  if (bytes.length < 5 || !bytes.subarray(0, 4).equals(key.id)) return false;
  return key.verify(Buffer.from(headNoteText(head), 'utf8'), bytes.subarray(4));
}

/**
 * A head as text: a C2SP signed note whose body is the head's note text (`docs/security.md`), then a blank line and one
 * signature line, `— <key name> <base64(key id ‖ signature)>`. An unsigned head (no key) ends at the
 * blank line: it is not a signed note, and {@link verifyHead} rejects it.
 *
 * @example
 * ```ts
 * const text = formatHead(head);
 * // caf-step-down/case/C-1
 * // 25
 * // 3q2+7w…=
 * // version 21
 * //
 * // — caf-step-down Ab3x…==
 * ```
 */
export function formatHead(head: SignedHead): string {
  const signature = head.signature !== undefined && head.keyName !== undefined ? `— ${head.keyName} ${head.signature}\n` : '';
  return `${headNoteText(head)}\n${signature}`;
}

const originPrefix = 'caf-step-down/case/';

/**
 * Reads a head written by {@link formatHead} (or `engine.heads`). `INVALID_INPUT` for text that is
 * not one, saying which line is wrong. Reading checks no signature: use {@link verifyHead}.
 *
 * @example
 * ```ts
 * const head = parseHead(text);
 * head.caseId; head.seq; head.hash; head.version;
 * ```
 */
export function parseHead(text: string): SignedHead {
  const bad = (what: string) => new StepDownError('INVALID_INPUT', `Not a case head: ${what}.`);
  if (typeof text !== 'string' || text.length > 8_192) throw bad('expected the text of one head, at most 8 KiB');
  const split = text.indexOf('\n\n');
  if (split < 0) throw bad('the note text must end with a newline and be followed by a blank line');
  const body = text.slice(0, split + 1);
  const lines = body.slice(0, -1).split('\n');
  if (lines.length !== 4) throw bad('expected 4 lines (origin, size, root hash, version)');
  const [origin, size, root, versionLine] = lines as [string, string, string, string];
  if (!origin.startsWith(originPrefix) || origin.length === originPrefix.length) throw bad(`the origin line must be ${originPrefix}<case id>`);
  if (!/^[1-9]\d{0,15}$/.test(size)) throw bad('the size line must be a positive whole number');
  const hash = Buffer.from(root, 'base64');
  if (hash.length !== 32 || hash.toString('base64') !== root) throw bad('the root hash line must be the base64 of 32 bytes');
  const version = /^version ([1-9]\d{0,15})$/.exec(versionLine);
  if (!version) throw bad('the fourth line must be "version <n>"');
  const head: CaseHead = { caseId: origin.slice(originPrefix.length), seq: Number(size), hash: hash.toString('hex'), version: Number(version[1]) };
  const signatures = text.slice(split + 2).split('\n');
  if (signatures.at(-1) !== '') throw bad('the signature lines must end with a newline');
  signatures.pop();
  if (signatures.length === 0) return head;
  if (signatures.length > 16) throw bad('at most 16 signature lines');
  const parsed = signatures.map((line) => /^— (\S+) ([A-Za-z0-9+/]+={0,2})$/.exec(line));
  if (parsed.some((m) => m === null)) throw bad('a signature line must be "— <key name> <base64>"');
  // One head carries one signature of ours; a note cosigned by others keeps the first line.
  const [, keyName, signature] = parsed[0]!;
  return { ...head, keyName: keyName!, signature: signature! };
}

/**
 * Checks a head (its text, or a {@link SignedHead}) against a verification key: true only when it
 * carries a signature by that key (the same key name and key id) that verifies. Signatures by other
 * keys are ignored, as the signed-note format says.
 *
 * @example
 * ```ts
 * const [text] = await engine.heads({ caseIds: ['C-1'] });
 * writeOnceLog.append(text);
 * // later, anywhere, with the public key only:
 * verifyHead(text, publicKey); // true, unless the head was changed
 * ```
 */
export function verifyHead(head: string | SignedHead, key: HeadVerificationKey, keyName: string = defaultHeadKeyName): boolean {
  const signed = typeof head === 'string' ? parseHead(head) : head;
  return headSignedBy(signed, headKey(key, keyName));
}
