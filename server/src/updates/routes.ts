import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest, RawServerDefault } from 'fastify';
import {
  HaltInput,
  UPDATES_API,
  ok,
  parseOrThrow,
  toErr,
  UpdateChannel,
  VigieError,
  type Result,
  type TechnicianRole,
} from '@vigie/common';
import type { ArtifactInfo, UpdatesService } from './service.js';
import { httpStatus } from '../http/status.js';

/** URL prefix of the feed: `<hub>/updates/<channel>/` is the generic provider's base URL. */
export const UPDATES_PREFIX = '/updates';
export { UPDATES_API };

export const FEED_CACHE_CONTROL = 'no-cache';
export const ARTIFACT_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** electron-updater asks for at most 1000 ranges per request; more is answered with the whole file. */
export const MAX_RANGES = 1000;

export interface UpdateRoutesOptions {
  updates: UpdatesService;
  /**
   * Resolves the technician behind a request (the hub's session cookie). Return null or throw a
   * VigieError('UNAUTHORIZED') when there is none. Only role `admin` may change a rollout.
   */
  authenticate?: (req: FastifyRequest) => Promise<{ id: string; role: TechnicianRole } | null>;
}

const CONTENT_TYPES: Array<[RegExp, string]> = [
  [/\.zip$/i, 'application/zip'],
  [/\.dmg$/i, 'application/x-apple-diskimage'],
  [/\.exe$/i, 'application/vnd.microsoft.portable-executable'],
];
const contentTypeOf = (name: string) => CONTENT_TYPES.find(([re]) => re.test(name))?.[1] ?? 'application/octet-stream';

/**
 * Registers the feed (public, read-only) and the admin rollout API on the hub's fastify instance:
 * - GET|HEAD /updates/:channel/:file — `latest*.yml` / `pilot*.yml` (Cache-Control: no-cache, ETag)
 *   and stored artifacts and blockmaps (immutable, ETag, Range incl. multipart/byteranges).
 * - GET /api/updates/overview, POST /api/updates/{rollout,halt,promote} — admin technicians only.
 * Publishing itself (uploading installers) is CLI-only: see runUpdatesCommand.
 */
export function registerUpdateRoutes<L extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, L>,
  opts: UpdateRoutesOptions,
): void {
  const { updates } = opts;

  app.route({
    method: ['GET', 'HEAD'],
    url: `${UPDATES_PREFIX}/:channel/:file`,
    handler: async (req, reply) => {
      const params = req.params as { channel?: string; file?: string };
      const channel = UpdateChannel.safeParse(params.channel);
      const file = params.file ?? '';
      if (!channel.success) return notFound(reply);
      const platform = updates.feedFileTarget(channel.data, file);
      if (platform) {
        const doc = await updates.feed(channel.data, platform);
        if (!doc) return notFound(reply);
        reply.header('Cache-Control', FEED_CACHE_CONTROL).header('ETag', doc.etag).header('Vary', 'Accept-Encoding');
        if (etagMatches(req.headers['if-none-match'], doc.etag)) return reply.code(304).send();
        reply.type('text/yaml; charset=utf-8').header('Content-Length', Buffer.byteLength(doc.yaml));
        return reply.code(200).send(req.method === 'HEAD' ? undefined : doc.yaml);
      }
      if (/\.ya?ml$/i.test(file)) return notFound(reply); // another channel's feed file: never cross channels
      const art = await updates.artifact(file);
      if (!art) return notFound(reply);
      return sendArtifact(req, reply, art);
    },
  });

  const admin = async (req: FastifyRequest): Promise<{ id: string; role: TechnicianRole }> => {
    if (!opts.authenticate) throw new VigieError('FORBIDDEN', 'La gestion des mises à jour se fait depuis la ligne de commande du hub.');
    const who = await opts.authenticate(req);
    if (!who) throw new VigieError('UNAUTHORIZED', 'Vous devez vous identifier à nouveau.');
    if (who.role !== 'admin') throw new VigieError('FORBIDDEN', 'Réservé aux administrateurs.');
    return who;
  };
  const json = (handler: (req: FastifyRequest) => Promise<unknown>) => async (req: FastifyRequest, reply: FastifyReply) => {
    let r: Result<unknown>;
    try {
      r = ok(await handler(req));
    } catch (e) {
      if (!(e instanceof VigieError)) req.log.error({ err: e, url: req.url }, 'updates route failed');
      r = toErr(e);
    }
    const status = httpStatus(r);
    return reply.code(status).header('Cache-Control', 'no-store').type('application/json; charset=utf-8').send(r);
  };

  app.get(
    UPDATES_API.overview,
    json(async (req) => {
      await admin(req);
      return updates.overview();
    }),
  );
  app.post(
    UPDATES_API.rollout,
    json(async (req) => {
      const who = await admin(req);
      return updates.setRollout(req.body, { type: 'technician', id: who.id });
    }),
  );
  app.post(
    UPDATES_API.halt,
    json(async (req) => {
      const who = await admin(req);
      const body = parseOrThrow(HaltInput, req.body);
      return updates.halt(body.channel, body.platform, { type: 'technician', id: who.id });
    }),
  );
  app.post(
    UPDATES_API.promote,
    json(async (req) => {
      const who = await admin(req);
      return updates.promote(req.body, { type: 'technician', id: who.id });
    }),
  );
}

function notFound(reply: FastifyReply) {
  return reply.code(404).header('Cache-Control', 'no-store').type('text/plain; charset=utf-8').send('Not found\n');
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header === '*' || header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

type ByteRange = { start: number; end: number };

/**
 * Parses a `Range: bytes=…` header against a file size. Returns null when the header must be
 * ignored (absent, another unit, malformed, more than MAX_RANGES), [] when no range is
 * satisfiable. Overlapping ranges are merged (RFC 9110 §14.3 lets a server coalesce them), so no
 * byte is ever sent twice; ranges that do not overlap keep the order they were asked in.
 */
export function parseRange(header: string | undefined, size: number): ByteRange[] | null {
  if (!header) return null;
  const m = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  if (!m) return null;
  const specs = m[1]!.split(',');
  if (specs.length > MAX_RANGES) return null;
  const out: ByteRange[] = [];
  for (const raw of specs) {
    const spec = raw.trim();
    const r = /^(\d*)-(\d*)$/.exec(spec);
    if (!r || (r[1] === '' && r[2] === '')) return null;
    if (r[1] === '') {
      const suffix = Number(r[2]);
      if (suffix === 0) continue;
      out.push({ start: Math.max(0, size - suffix), end: size - 1 });
      continue;
    }
    const start = Number(r[1]);
    const end = r[2] === '' ? size - 1 : Math.min(Number(r[2]), size - 1);
    if (r[2] !== '' && Number(r[2]) < start) return null;
    if (start >= size) continue;
    out.push({ start, end });
  }
  return mergeOverlapping(out);
}

function mergeOverlapping(ranges: ByteRange[]): ByteRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  if (sorted.every((r, i) => i === 0 || r.start > sorted[i - 1]!.end)) return ranges;
  const merged: ByteRange[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}

function sendArtifact(req: FastifyRequest, reply: FastifyReply, art: ArtifactInfo) {
  const type = contentTypeOf(art.name);
  reply
    .header('Cache-Control', ARTIFACT_CACHE_CONTROL)
    .header('ETag', art.etag)
    .header('Last-Modified', new Date(art.mtimeMs).toUTCString())
    .header('Accept-Ranges', 'bytes');
  if (etagMatches(req.headers['if-none-match'], art.etag)) return reply.code(304).send();

  const ifRange = req.headers['if-range'];
  const useRange = !ifRange || ifRange === art.etag;
  const ranges = useRange ? parseRange(req.headers.range, art.size) : null;
  const head = req.method === 'HEAD';

  if (ranges === null) {
    reply.code(200).type(type).header('Content-Length', art.size);
    return reply.send(head ? undefined : createReadStream(art.path));
  }
  if (ranges.length === 0) {
    return reply.code(416).header('Content-Range', `bytes */${art.size}`).type('text/plain; charset=utf-8').send('Range Not Satisfiable\n');
  }
  if (ranges.length === 1) {
    const { start, end } = ranges[0]!;
    reply
      .code(206)
      .type(type)
      .header('Content-Range', `bytes ${start}-${end}/${art.size}`)
      .header('Content-Length', end - start + 1);
    return reply.send(head ? undefined : createReadStream(art.path, { start, end }));
  }

  // Several ranges: multipart/byteranges, the form electron-updater's differential downloader parses.
  const boundary = randomBytes(12).toString('hex');
  const partHead = (r: ByteRange, i: number) =>
    `${i === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Type: ${type}\r\nContent-Range: bytes ${r.start}-${r.end}/${art.size}\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const length = ranges.reduce((n, r, i) => n + Buffer.byteLength(partHead(r, i)) + (r.end - r.start + 1), 0) + Buffer.byteLength(tail);
  if (length > art.size) {
    // Many small ranges cost more in part headers than the file itself: the whole file is cheaper.
    reply.code(200).type(type).header('Content-Length', art.size);
    return reply.send(head ? undefined : createReadStream(art.path));
  }
  reply.code(206).type(`multipart/byteranges; boundary=${boundary}`).header('Content-Length', length);
  if (head) return reply.send();
  return reply.send(multipartStream(art.path, ranges, partHead, tail));
}

/** Resolves when the stream can take more, or when it was closed (the caller then checks `destroyed`). */
function drained(out: PassThrough): Promise<void> {
  return new Promise((res) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      res();
    };
    out.once('drain', done);
    out.once('close', done);
  });
}

function multipartStream(path: string, ranges: ByteRange[], partHead: (r: ByteRange, i: number) => string, tail: string): Readable {
  const out = new PassThrough();
  void (async () => {
    try {
      for (const [i, r] of ranges.entries()) {
        if (out.destroyed) return;
        if (!out.write(partHead(r, i))) await drained(out);
        for await (const chunk of createReadStream(path, { start: r.start, end: r.end })) {
          if (out.destroyed) return; // client went away: leaving the loop closes the file
          if (!out.write(chunk)) await drained(out);
        }
      }
      if (!out.destroyed) out.end(tail);
    } catch (e) {
      out.destroy(e as Error);
    }
  })();
  return out;
}
