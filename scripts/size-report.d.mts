/** The JavaScript of a built page: loaded by the first load (`initial`) or on demand (`later`); null when not built. */
export function chunksOf(dir: string): { initial: string[]; later: string[] } | null;
