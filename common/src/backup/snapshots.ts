import { z } from 'zod';
import { IsoDate } from '../domain.js';
import { SnapshotRef, TreePath } from './paths.js';

/** Backups, what they hold: a snapshot, its tree browsed a page at a time, and a name searched across all snapshots. */

export const Snapshot = z.object({
  id: z.string().regex(/^[0-9a-f]{64}$/),
  shortId: z.string(),
  time: IsoDate,
  hostname: z.string(),
  /** Folders as given to the backup (native form: C:\… on Windows). */
  paths: z.array(z.string()),
  /** The same folders as paths inside the snapshot tree ('/'-separated), to start browsing from. */
  roots: z.array(z.string()),
  tags: z.array(z.string()),
  /** Bytes of the backed-up folders (restic ≥ 0.17 records it; null before). */
  sizeBytes: z.number().nonnegative().nullable(),
  filesCount: z.number().int().nonnegative().nullable(),
});
export type Snapshot = z.infer<typeof Snapshot>;

export const TreeEntryType = z.enum(['file', 'dir', 'symlink', 'other']);
export type TreeEntryType = z.infer<typeof TreeEntryType>;

export const TreeEntry = z.object({
  name: z.string(),
  /** Path inside the snapshot: what restore takes. */
  path: z.string(),
  /** Where it lived on this machine (for display). */
  localPath: z.string(),
  type: TreeEntryType,
  size: z.number().nonnegative().nullable(),
  mtime: IsoDate.nullable(),
});
export type TreeEntry = z.infer<typeof TreeEntry>;

export const BrowseRequest = z.strictObject({
  snapshotId: SnapshotRef,
  path: TreePath,
  offset: z.number().int().nonnegative().default(0),
  limit: z.number().int().min(1).max(1000).default(200),
});
export type BrowseRequest = z.input<typeof BrowseRequest>;

export const BrowseResponse = z.object({
  snapshotId: z.string(),
  path: z.string(),
  /** Parent directory inside the snapshot; null at the root. */
  parent: z.string().nullable(),
  /** Folders first, then files, by name (French collation). */
  entries: z.array(TreeEntry),
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
});
export type BrowseResponse = z.infer<typeof BrowseResponse>;

export const SearchRequest = z.strictObject({
  /** Part of a file or folder name; case-insensitive; * ? [ ] are searched literally. */
  query: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .refine((q) => !q.includes('/') && !q.includes('\0'), { message: 'un nom de fichier, sans « / »' }),
  limit: z.number().int().min(1).max(500).default(100),
});
export type SearchRequest = z.input<typeof SearchRequest>;

export const SearchVersion = z.object({
  /** The newest snapshot holding this version. */
  snapshotId: z.string(),
  snapshotTime: IsoDate,
  size: z.number().nonnegative().nullable(),
  mtime: IsoDate.nullable(),
});
export type SearchVersion = z.infer<typeof SearchVersion>;

export const SearchHit = z.object({
  name: z.string(),
  path: z.string(),
  localPath: z.string(),
  type: TreeEntryType,
  /** Distinct versions (by modification time and size), newest first. */
  versions: z.array(SearchVersion).min(1),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchResponse = z.object({ hits: z.array(SearchHit), truncated: z.boolean() });
export type SearchResponse = z.infer<typeof SearchResponse>;
