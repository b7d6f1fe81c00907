import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { StepDownError } from '../errors.js';
import type { Actor } from '../events/common.js';
import { isId } from '../ids/id.js';
import { roleSchema } from '../policy/roles.js';

/**
 * How the service knows who is calling: a bearer JWT from the council's identity provider, checked
 * against its JWKS URL (asymmetric keys: RS*, PS*, ES*, EdDSA) or a shared HMAC secret (HS*). Give
 * exactly one of `jwksUrl` and `secret`. The actor of every event comes from the token's claims,
 * never from the request body.
 *
 * @example
 * ```ts
 * const auth: ServerAuth = {
 *   jwksUrl: 'https://login.example.gov.uk/.well-known/jwks.json',
 *   issuer: 'https://login.example.gov.uk/',
 *   audience: 'caf-step-down',
 *   claims: { role: 'stepdown_role', personId: 'stepdown_person' },
 * };
 * ```
 */
export interface ServerAuth {
  /** The identity provider's JSON Web Key Set, fetched and cached by `jose`. */
  readonly jwksUrl?: string | URL;
  /** A shared HMAC secret (at least 32 bytes): for a gateway that signs its own tokens. */
  readonly secret?: string | Uint8Array;
  /** The `iss` every token must carry, when set. */
  readonly issuer?: string;
  /** The `aud` every token must carry, when set. */
  readonly audience?: string;
  /** The signing algorithms accepted; by default HS256/384/512 with a secret, and the asymmetric ones with a JWKS. */
  readonly algorithms?: readonly string[];
  /** The claims that carry the actor. */
  readonly claims?: {
    /** The user's stable, id-shaped id (default `sub`). */
    readonly userId?: string;
    /** The role the user acts in, one of the policy's roles (default `role`). */
    readonly role?: string;
    /** The case person a user acts as, e.g. a Lead Professional's own person id (default `person_id`). */
    readonly personId?: string;
  };
}

/** Checks a request's `Authorization` header and returns the actor it names. */
export type Authenticate = (authorization: string | undefined) => Promise<Actor>;

const hmacAlgorithms = ['HS256', 'HS384', 'HS512'];
const asymmetricAlgorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/**
 * Builds the check of bearer tokens that {@link ServerAuth} describes. `INVALID_ARGUMENT` at once
 * for settings that cannot work (both or neither key source, a short secret), so a misconfigured
 * service fails at start, not at its first request.
 */
export function createAuthenticate(auth: ServerAuth): Authenticate {
  if ((auth.jwksUrl === undefined) === (auth.secret === undefined)) {
    throw new StepDownError('INVALID_ARGUMENT', 'Server auth needs exactly one of jwksUrl (the identity provider\'s keys) and secret (a shared HMAC key).');
  }
  let key: Uint8Array | JWTVerifyGetKey;
  if (auth.secret !== undefined) {
    key = typeof auth.secret === 'string' ? new TextEncoder().encode(auth.secret) : auth.secret;
    // RFC 7518 §3.2: an HS256 key must be at least as long as the hash.
    if (key.length < 32) throw new StepDownError('INVALID_ARGUMENT', 'Server auth secret must be at least 32 bytes.');
  } else {
    let url: URL;
    try {
      url = new URL(auth.jwksUrl as string | URL);
    } catch {
      throw new StepDownError('INVALID_ARGUMENT', 'Server auth jwksUrl must be an absolute URL, e.g. https://login.example.gov.uk/.well-known/jwks.json.');
    }
    key = createRemoteJWKSet(url);
  }
  const algorithms = [...(auth.algorithms ?? (auth.secret !== undefined ? hmacAlgorithms : asymmetricAlgorithms))];
  const claims = { userId: 'sub', role: 'role', personId: 'person_id', ...auth.claims };
  const options = {
    algorithms,
    ...(auth.issuer !== undefined ? { issuer: auth.issuer } : {}),
    ...(auth.audience !== undefined ? { audience: auth.audience } : {}),
  };

  return async (authorization) => {
    const token = /^Bearer +([A-Za-z0-9_.~+/-]+=*)$/i.exec(authorization?.trim() ?? '')?.[1];
    if (token === undefined) {
      throw new StepDownError('UNAUTHENTICATED', 'Send a bearer token from the identity provider: Authorization: Bearer <JWT>.');
    }
    let payload: JWTPayload;
    try {
      payload = (
        typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options)
      ).payload;
    } catch (error) {
      // jose's code says why (expired, bad signature, wrong issuer); its message may quote claims.
      const reason = (error as { code?: unknown } | null)?.code;
      throw new StepDownError('UNAUTHENTICATED', 'The bearer token is not valid: get a fresh one from the identity provider.', {
        reason: typeof reason === 'string' ? reason : 'ERR_JWT_INVALID',
      });
    }
    return actorOf(payload, claims);
  };
}

/**
 * The actor a verified token names. A token that verifies but cannot act (no user id, a role the
 * policy does not know) is `NOT_ALLOWED`: the caller is known, the identity provider's set-up is wrong.
 */
function actorOf(payload: JWTPayload, claims: { userId: string; role: string; personId: string }): Actor {
  const id = payload[claims.userId];
  if (!isId(id)) {
    throw new StepDownError('NOT_ALLOWED', `The token's '${claims.userId}' claim must be the user's id: letters, digits and . _ : - only, at most 128 characters.`, {
      claim: claims.userId,
    });
  }
  const role = roleSchema.safeParse(payload[claims.role]);
  if (!role.success) {
    throw new StepDownError('NOT_ALLOWED', `The token's '${claims.role}' claim must be one of the policy's roles: ${roleSchema.options.join(', ')}.`, {
      claim: claims.role,
    });
  }
  const personId = payload[claims.personId];
  if (personId !== undefined && !isId(personId)) {
    throw new StepDownError('NOT_ALLOWED', `The token's '${claims.personId}' claim must be a person id: letters, digits and . _ : - only.`, {
      claim: claims.personId,
    });
  }
  return { id, role: role.data, ...(personId !== undefined ? { personId } : {}) };
}
