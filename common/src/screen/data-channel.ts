import { z } from 'zod';
import { ErrorCode } from '../result.js';
import { SCREEN_LIMITS } from './limits.js';

/**
 * Remote screen, the data channel (technician ↔ device, never through the hub): pointer, wheel and
 * keyboard input, clipboard, ping and display messages, and the parser that bounds each raw one.
 */

/** Coordinates normalized to the shared screen: 0..1 from its top-left corner. */
const Norm = z.number().min(0).max(1);
export const PointerButton = z.enum(['left', 'middle', 'right']);
export type PointerButton = z.infer<typeof PointerButton>;

export const KeyModifiers = z.strictObject({ alt: z.boolean(), ctrl: z.boolean(), meta: z.boolean(), shift: z.boolean() });
export type KeyModifiers = z.infer<typeof KeyModifiers>;

/** KeyboardEvent.code ("KeyA", "Digit1", "ArrowLeft", "ShiftLeft"…): the physical key. */
export const KeyCode = z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,31}$/);

/**
 * The modifier keys, by modifier. Only these are held on the practice's computer as long as the
 * technician holds them. Any other key is typed there (pressed and released at once): held, its
 * system would repeat it while the technician's key-up is on its way — X11 repeats a key held
 * 660 ms, so a hiccup of the network or of either computer would type it again. A key the
 * technician holds repeats at their own computer's rate instead: each repeated key-down is typed.
 */
export const MODIFIER_KEY_CODES: Readonly<Record<keyof KeyModifiers, readonly string[]>> = {
  alt: ['AltLeft', 'AltRight'],
  ctrl: ['ControlLeft', 'ControlRight'],
  meta: ['MetaLeft', 'MetaRight'],
  shift: ['ShiftLeft', 'ShiftRight'],
};

/** True for a modifier key (held on the practice's computer); any other key is typed there. */
export function isModifierKey(code: string): boolean {
  return Object.values(MODIFIER_KEY_CODES).some((codes) => codes.includes(code));
}

const Delta = z.number().min(-SCREEN_LIMITS.wheelDelta).max(SCREEN_LIMITS.wheelDelta);
const MsgId = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);
const ClipText = z.string().max(SCREEN_LIMITS.clipboardChars);

export const PointerMove = z.strictObject({ t: z.literal('pointer.move'), x: Norm, y: Norm });
export const PointerDown = z.strictObject({ t: z.literal('pointer.down'), x: Norm, y: Norm, button: PointerButton });
export const PointerUp = z.strictObject({ t: z.literal('pointer.up'), x: Norm, y: Norm, button: PointerButton });
export const Wheel = z.strictObject({ t: z.literal('wheel'), x: Norm, y: Norm, dx: Delta, dy: Delta });
export const KeyDown = z.strictObject({ t: z.literal('key.down'), code: KeyCode, mods: KeyModifiers });
export const KeyUp = z.strictObject({ t: z.literal('key.up'), code: KeyCode, mods: KeyModifiers });

/** Input events the device injects (only while control is granted). */
export const InputEvent = z.discriminatedUnion('t', [PointerMove, PointerDown, PointerUp, Wheel, KeyDown, KeyUp]);
export type InputEvent = z.infer<typeof InputEvent>;

/** Technician → device on the data channel. */
export const TechDataMessage = z.discriminatedUnion('t', [
  PointerMove,
  PointerDown,
  PointerUp,
  Wheel,
  KeyDown,
  KeyUp,
  /** Asks the device's clipboard text (answered by clipboard.text or clipboard.error). */
  z.strictObject({ t: z.literal('clipboard.get'), id: MsgId }),
  /** Puts text in the device's clipboard. */
  z.strictObject({ t: z.literal('clipboard.set'), id: MsgId, text: ClipText }),
  /** Round-trip measurement: the device answers pong with the same id and sentAt. */
  z.strictObject({ t: z.literal('ping'), id: MsgId, sentAt: z.number().nonnegative().max(1e13) }),
]);
export type TechDataMessage = z.infer<typeof TechDataMessage>;

/** Device → technician on the data channel. */
export const DeviceDataMessage = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('clipboard.text'), id: MsgId, text: ClipText }),
  /** Acknowledges clipboard.set. */
  z.strictObject({ t: z.literal('clipboard.ok'), id: MsgId }),
  z.strictObject({ t: z.literal('clipboard.error'), id: MsgId, code: ErrorCode }),
  z.strictObject({ t: z.literal('pong'), id: MsgId, sentAt: z.number().nonnegative().max(1e13) }),
  /** Sent by the device when control starts or stops, so the viewer stops sending input at once. */
  z.strictObject({ t: z.literal('control'), granted: z.boolean() }),
  /** Which monitor is shared (its name on the practice's computer, n of count), for the viewer's label. */
  z.strictObject({
    t: z.literal('display'),
    label: z.string().max(200),
    index: z.number().int().min(1).max(16),
    count: z.number().int().min(1).max(16),
  }),
]);
export type DeviceDataMessage = z.infer<typeof DeviceDataMessage>;

export type DataParse<T> =
  { ok: true; message: T } | { ok: false; reason: 'too-large' | 'not-json' | 'invalid' | 'outside'; issues?: string[] };

/**
 * Parses one raw data-channel message (the JSON text as received). Too long → too-large before
 * parsing; coordinates outside 0..1 → outside; anything else that fails the schema → invalid.
 */
export function parseDataMessage<T extends z.ZodType>(schema: T, raw: unknown): DataParse<z.infer<T>> {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.length > SCREEN_LIMITS.dataMessageChars) return { ok: false, reason: 'too-large' };
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, reason: 'not-json' };
    }
  }
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, message: r.data };
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.code}`);
  const outside = r.error.issues.every(
    (i) => (i.path[0] === 'x' || i.path[0] === 'y') && i.path.length === 1 && (i.code === 'too_big' || i.code === 'too_small'),
  );
  return { ok: false, reason: outside ? 'outside' : 'invalid', issues };
}
