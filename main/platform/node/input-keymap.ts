import type { Key } from '@nut-tree-fork/nut-js';

/** Names of nut-js's Key enum (type only: nut-js itself is loaded only once a display is confirmed). */
export type NutKeyName = keyof typeof Key;

const letters = Object.fromEntries([...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((l) => [`Key${l}`, l as NutKeyName]));
const digits = Object.fromEntries([...'0123456789'].map((d) => [`Digit${d}`, `Num${d}` as NutKeyName]));
const numpad = Object.fromEntries([...'0123456789'].map((d) => [`Numpad${d}`, `NumPad${d}` as NutKeyName]));
const fkeys = Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`F${i + 1}`, `F${i + 1}` as NutKeyName]));

/**
 * KeyboardEvent.code (the physical key, US layout names) → nut-js Key. libnut turns a Key into the
 * local layout's key at the same name (on an AZERTY machine, KeyQ types "a"): technicians and
 * practitioners usually share the French layout. Codes absent here are dropped and counted.
 */
export const NUT_KEY_BY_CODE: Readonly<Record<string, NutKeyName>> = {
  ...letters,
  ...digits,
  ...numpad,
  ...fkeys,
  Escape: 'Escape',
  Backspace: 'Backspace',
  Tab: 'Tab',
  Enter: 'Return',
  NumpadEnter: 'Enter',
  Space: 'Space',
  CapsLock: 'CapsLock',
  ShiftLeft: 'LeftShift',
  ShiftRight: 'RightShift',
  ControlLeft: 'LeftControl',
  ControlRight: 'RightControl',
  AltLeft: 'LeftAlt',
  AltRight: 'RightAlt',
  MetaLeft: 'LeftSuper',
  MetaRight: 'RightSuper',
  OSLeft: 'LeftSuper',
  OSRight: 'RightSuper',
  ContextMenu: 'Menu',
  Minus: 'Minus',
  Equal: 'Equal',
  BracketLeft: 'LeftBracket',
  BracketRight: 'RightBracket',
  Backslash: 'Backslash',
  Semicolon: 'Semicolon',
  Quote: 'Quote',
  Backquote: 'Grave',
  Comma: 'Comma',
  Period: 'Period',
  Slash: 'Slash',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
  Insert: 'Insert',
  Delete: 'Delete',
  Home: 'Home',
  End: 'End',
  PageUp: 'PageUp',
  PageDown: 'PageDown',
  PrintScreen: 'Print',
  ScrollLock: 'ScrollLock',
  NumLock: 'NumLock',
  NumpadAdd: 'Add',
  NumpadSubtract: 'Subtract',
  NumpadMultiply: 'Multiply',
  NumpadDivide: 'Divide',
  NumpadDecimal: 'Decimal',
  NumpadEqual: 'NumPadEqual',
  AudioVolumeMute: 'AudioMute',
  AudioVolumeDown: 'AudioVolDown',
  AudioVolumeUp: 'AudioVolUp',
  MediaPlayPause: 'AudioPlay',
  MediaStop: 'AudioStop',
  MediaTrackNext: 'AudioNext',
  MediaTrackPrevious: 'AudioPrev',
};

export function nutKeyFor(code: string): NutKeyName | null {
  return Object.prototype.hasOwnProperty.call(NUT_KEY_BY_CODE, code) ? NUT_KEY_BY_CODE[code]! : null;
}
