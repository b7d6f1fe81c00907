import { z } from 'zod';

/**
 * The roles the policy gives steps to (DOMAIN.md "Roles"). `system` is the host's clock: it alone
 * sends `clock.tick`. The library trusts the host's authentication for who an actor is; it enforces
 * which role may take which step.
 */
export const roles = [
  'social-worker',
  'team-manager',
  'caf-link-worker',
  'lead-professional',
  'early-help-manager',
  'system',
] as const;

/** Validates a {@link Role}. */
export const roleSchema = z.enum(roles);

/** One of the {@link roles}. */
export type Role = z.infer<typeof roleSchema>;
