/** Remote screen, the bounds: consent window lifetime, and the largest signal, clipboard and input values accepted. */

export const SCREEN_LIMITS = {
  /** Consent window lifetime on the device; the hub gives a few seconds of grace on top. */
  consentTimeoutMs: 30_000,
  sdpChars: 32_000,
  candidateChars: 1_024,
  /** Text clipboard, either way. */
  clipboardChars: 32_768,
  /** A raw data-channel message (JSON text) longer than this is dropped before parsing. */
  dataMessageChars: 140_000,
  keyCodeChars: 32,
  /** Wheel deltas, in CSS pixels (the console converts line/page modes to pixels). */
  wheelDelta: 10_000,
  iceServers: 8,
  iceUrlsPerServer: 8,
  iceUrlChars: 512,
} as const;

/** Suggested global shortcut that stops everything (Electron accelerator syntax). */
export const SCREEN_STOP_ACCELERATOR = 'CommandOrControl+Alt+S';
