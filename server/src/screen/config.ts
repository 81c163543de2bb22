import { z } from 'zod';

const StunUrl = z
  .string()
  .max(512)
  .regex(/^stuns?:[^\s]+$/, 'URL stun: ou stuns: attendue');
const TurnUrl = z
  .string()
  .max(512)
  .regex(/^turns?:[^\s]+$/, 'URL turn: ou turns: attendue');

/**
 * Remote-screen settings of the hub (to be nested as `screen` in hub.json).
 * TURN uses coturn's shared-secret scheme (`use-auth-secret` + `static-auth-secret`): the hub
 * hands each participant a username `<expiry>:<session>` and an HMAC-SHA1 password, valid `ttlSeconds`.
 */
export const ScreenSettings = z.strictObject({
  /** Provider name shown on the practitioner's consent window. */
  providerName: z.string().trim().min(1).max(200).default('Vigie'),
  stunUrls: z.array(StunUrl).max(8).default([]),
  turn: z
    .strictObject({
      urls: z.array(TurnUrl).min(1).max(8),
      /** coturn's static-auth-secret. */
      secret: z.string().min(16).max(512),
      ttlSeconds: z
        .number()
        .int()
        .min(60)
        .max(86_400)
        .default(6 * 3600),
      /** Force every media path through TURN (iceTransportPolicy "relay"). */
      relayOnly: z.boolean().default(false),
    })
    .optional(),
  /** Extra time the hub waits for a consent answer after the device's own 30 s. */
  consentGraceMs: z.number().int().min(0).max(60_000).default(5_000),
  /** How often live sessions are checked (consent expiry, request still assigned). */
  sweepIntervalMs: z.number().int().min(200).max(60_000).default(5_000),
});
export type ScreenSettings = z.infer<typeof ScreenSettings>;
export type ScreenSettingsInput = z.input<typeof ScreenSettings>;
