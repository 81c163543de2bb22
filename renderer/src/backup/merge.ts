/**
 * `held` with each of `items` in its place (by `key`), where `newer` decides between what was held
 * and what came: a list answered after a newer push does not take anything back.
 */
export function mergeNewer<T>(
  held: Readonly<Record<string, T>>,
  items: readonly T[],
  key: (item: T) => string,
  newer: (held: T | undefined, came: T) => T,
): Record<string, T> {
  const out = { ...held };
  for (const item of items) out[key(item)] = newer(out[key(item)], item);
  return out;
}
