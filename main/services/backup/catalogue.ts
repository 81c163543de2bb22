import type { BrowseRequest, BrowseResponse, SearchHit, SearchRequest, SearchResponse, Snapshot, TreeEntry } from '@vigie/common';
import { backupError } from './errors.js';
import { entryType } from './restore.js';
import type { RepoTarget, Restic } from './restic/client.js';
import { isoTime, type ResticSnapshotJson } from './restic/parse.js';
import { containsPattern, localToTree, treeBase, treeParent, treeToLocal } from './restic/paths.js';

const SNAPSHOT_CACHE_MS = 60_000;

function collator() {
  return new Intl.Collator('fr', { sensitivity: 'base', numeric: true });
}

/**
 * What the repository holds: the snapshot list (cached a minute), one folder of a snapshot
 * (cached), a search by name across snapshots, and the type and size of every entry seen, so a
 * restore of it needs no second listing.
 */
export class SnapshotCatalogue {
  private snapshotCache: { at: number; key: string; list: ResticSnapshotJson[] } | null = null;
  private readonly lsCache = new Map<string, TreeEntry[]>();
  /** Type and size of entries listed (browse, search) per snapshot. */
  private readonly seen = new Map<string, { type: TreeEntry['type']; size: number | null }>();

  constructor(
    private readonly restic: Restic,
    private readonly target: () => Promise<RepoTarget>,
  ) {}

  /** A snapshot was made or forgotten: the list is read again. */
  invalidate(): void {
    this.snapshotCache = null;
  }

  /** The repository changed (other settings, retention): nothing listed so far holds. */
  clear(): void {
    this.snapshotCache = null;
    this.lsCache.clear();
  }

  known(snapshotId: string, path: string): { type: TreeEntry['type']; size: number | null } | null {
    return this.seen.get(`${snapshotId}\0${path}`) ?? null;
  }

  private async snapshotList(target: RepoTarget, fresh = false): Promise<ResticSnapshotJson[]> {
    const c = this.snapshotCache;
    // The cache's age is real elapsed time (like a duration), not the service's clock.
    if (!fresh && c && c.key === target.key && Date.now() - c.at < SNAPSHOT_CACHE_MS) return c.list;
    const list = await this.restic.snapshots(target);
    this.snapshotCache = { at: Date.now(), key: target.key, list };
    return list;
  }

  /** A snapshot by id or id prefix (read again once when not found in the cached list). */
  async resolve(target: RepoTarget, ref: string): Promise<{ id: string; time: Date; paths: string[] }> {
    const find = (list: ResticSnapshotJson[]) => list.filter((s) => s.id.startsWith(ref));
    let hits = find(await this.snapshotList(target));
    if (hits.length === 0) hits = find(await this.snapshotList(target, true));
    if (hits.length !== 1) throw backupError('not-found', { messageKey: 'snapshotGone' });
    const s = hits[0]!;
    return { id: s.id, time: new Date(isoTime(s.time) ?? s.time), paths: s.paths };
  }

  /** Newest first. */
  async listSnapshots(): Promise<Snapshot[]> {
    const target = await this.target();
    const list = await this.snapshotList(target);
    return list.map((s) => toSnapshot(s)).sort((a, b) => b.time.localeCompare(a.time));
  }

  /** One folder of a snapshot, folders first then files, paged. */
  async browse(req: BrowseRequest): Promise<BrowseResponse> {
    const target = await this.target();
    const snap = await this.resolve(target, req.snapshotId);
    const path = req.path;
    const offset = req.offset ?? 0;
    const limit = req.limit ?? 200;
    const cacheKey = `${snap.id}:${path}`;
    let entries = this.lsCache.get(cacheKey);
    if (!entries) {
      const found: TreeEntry[] = [];
      const self = { type: null as string | null };
      await this.restic.ls(target, snap.id, path, {
        onNode: (n) => {
          if (n.path === path) {
            self.type = n.type;
            return;
          }
          if (treeParent(n.path) !== path) return;
          found.push({
            name: n.name,
            path: n.path,
            localPath: treeToLocal(n.path),
            type: entryType(n.type),
            size: n.type === 'file' ? (n.size ?? 0) : null,
            mtime: isoTime(n.mtime),
          });
        },
      });
      if (path !== '/' && self.type !== 'dir' && found.length === 0) {
        throw backupError('not-found', { messageKey: 'folderNotInSnapshot' });
      }
      const coll = collator();
      found.sort((a, b) => Number(b.type === 'dir') - Number(a.type === 'dir') || coll.compare(a.name, b.name));
      entries = found;
      this.lsCache.set(cacheKey, entries);
      for (const e of found) this.remember(snap.id, e.path, e.type, e.size);
      if (this.lsCache.size > 50) this.lsCache.delete(this.lsCache.keys().next().value!);
    }
    return {
      snapshotId: snap.id,
      path,
      parent: treeParent(path),
      entries: entries.slice(offset, offset + limit),
      total: entries.length,
      offset,
      limit,
    };
  }

  /**
   * A name (part of it, any case) across every snapshot: one hit per path with its distinct
   * versions (by modification time and size), each pointing at the newest snapshot holding it.
   */
  async search(req: SearchRequest): Promise<SearchResponse> {
    const target = await this.target();
    const limit = req.limit ?? 100;
    const times = new Map((await this.snapshotList(target)).map((s) => [s.id, isoTime(s.time) ?? s.time]));
    const query = req.query.trim();
    const results = await this.restic.find(target, containsPattern(query), { ignoreCase: true });
    // restic also lists everything below a matching folder: keep the names that match themselves.
    const needle = query.toLocaleLowerCase('fr');
    const hits = new Map<string, SearchHit>();
    for (const r of results) {
      const snapshotTime = times.get(r.snapshot) ?? null;
      if (!snapshotTime) continue;
      for (const m of r.matches ?? []) {
        if (!treeBase(m.path).toLocaleLowerCase('fr').includes(needle)) continue;
        let hit = hits.get(m.path);
        if (!hit) {
          hit = { name: treeBase(m.path), path: m.path, localPath: treeToLocal(m.path), type: entryType(m.type), versions: [] };
          hits.set(m.path, hit);
        }
        const mtime = isoTime(m.mtime);
        const size = m.type === 'file' ? (m.size ?? 0) : null;
        this.remember(r.snapshot, m.path, entryType(m.type), size);
        const same = hit.versions.find((v) => v.mtime === mtime && v.size === size);
        if (!same) hit.versions.push({ snapshotId: r.snapshot, snapshotTime, size, mtime });
        else if (snapshotTime > same.snapshotTime) Object.assign(same, { snapshotId: r.snapshot, snapshotTime });
      }
    }
    const newest = (h: SearchHit) => h.versions.reduce((m, v) => (v.snapshotTime > m ? v.snapshotTime : m), '');
    const all = [...hits.values()];
    for (const h of all) h.versions.sort((a, b) => (b.mtime ?? b.snapshotTime).localeCompare(a.mtime ?? a.snapshotTime));
    all.sort((a, b) => newest(b).localeCompare(newest(a)) || a.path.localeCompare(b.path));
    return { hits: all.slice(0, limit), truncated: all.length > limit };
  }

  private remember(snapshotId: string, path: string, type: TreeEntry['type'], size: number | null): void {
    const key = `${snapshotId}\0${path}`;
    this.seen.delete(key);
    this.seen.set(key, { type, size });
    if (this.seen.size > 50_000) this.seen.delete(this.seen.keys().next().value!);
  }
}

function toSnapshot(s: ResticSnapshotJson): Snapshot {
  return {
    id: s.id,
    shortId: s.short_id ?? s.id.slice(0, 8),
    time: isoTime(s.time) ?? new Date(0).toISOString(),
    hostname: s.hostname,
    paths: s.paths,
    roots: s.paths.map((p) => localToTree(p, process.platform)),
    tags: s.tags ?? [],
    sizeBytes: s.summary?.total_bytes_processed ?? null,
    filesCount: s.summary?.total_files_processed ?? null,
  };
}
