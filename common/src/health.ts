/**
 * Security health: the full report of one scan of the machine, its compact history entry, the
 * score, the tray colour and every text the practitioner or the technician reads about it
 * (French first, English complete). The summary sent to the hub is `HealthSummary` (domain.ts).
 *
 * The entry point; each job has its module under health/: schema (the report's shapes), score
 * (weights, score, worst, colour, summary), messages-fr / messages-en / strings (the string
 * tables), render (sentences in a locale) and transport (a report made to fit the hub's limit).
 */
export * from './health/schema.js';
export * from './health/score.js';
export type { PluralText, HealthText, HealthMessageKey } from './health/messages-fr.js';
export * from './health/strings.js';
export * from './health/render.js';
export * from './health/transport.js';
