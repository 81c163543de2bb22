import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest, RawServerDefault } from 'fastify';
import { z } from 'zod';
import {
  Id,
  IsoDate,
  Locale,
  ReceiptFormat,
  RECEIPTS_API,
  SESSION_COOKIE,
  VigieError,
  ok,
  parseOrThrow,
  toErr,
  type Result,
} from '@vigie/common';
import type { TechActor } from '../services/actors.js';
import type { Services } from '../services/index.js';
import type { ReceiptService } from './service.js';
import { httpStatus } from '../http/status.js';

const ListQuery = z.strictObject({
  deviceId: Id,
  limit: z.coerce.number().int().min(1).max(100).default(50),
  beforeClosedAt: IsoDate.optional(),
  beforeRequestId: Id.optional(),
});
const FileParams = z.strictObject({ requestId: Id, format: ReceiptFormat });
const FileQuery = z.strictObject({ locale: Locale.default('fr') });

/**
 * The console's side of receipts (session cookie, same checks as everywhere: the request's
 * technician, or a supervisor): a device's closed interventions, a receipt's PDF or JSON as a
 * download (audited), and the public key that checks receipts' signatures (no session needed).
 */
export function registerReceiptRoutes<L extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, L>,
  o: { services: Services; receipts: ReceiptService },
): void {
  const technician = async (req: FastifyRequest): Promise<TechActor> => {
    const session = await o.services.auth.authenticate(req.cookies[SESSION_COOKIE]);
    await o.services.auth.touch(session.sessionId);
    const t = session.technician;
    return { kind: 'technician', id: t.id, name: t.displayName, role: t.role };
  };
  const answer = (reply: FastifyReply, req: FastifyRequest, e: unknown) => {
    if (!(e instanceof VigieError)) req.log.error({ err: e, url: req.url }, 'receipts route failed');
    const r: Result<never> = toErr(e);
    const status = httpStatus(r);
    return reply.code(status).type('application/json; charset=utf-8').send(r);
  };

  app.get(RECEIPTS_API.key, async (_req, reply) => reply.type('application/json; charset=utf-8').send(ok(o.receipts.publicKey())));

  app.get(RECEIPTS_API.list, async (req, reply) => {
    try {
      const actor = await technician(req);
      const q = parseOrThrow(ListQuery, req.query ?? {});
      if ((q.beforeClosedAt === undefined) !== (q.beforeRequestId === undefined))
        throw new VigieError('BAD_REQUEST', 'beforeClosedAt and beforeRequestId go together.');
      const before = q.beforeClosedAt && q.beforeRequestId ? { closedAt: q.beforeClosedAt, requestId: q.beforeRequestId } : undefined;
      const page = await o.receipts.list(actor, { deviceId: q.deviceId, limit: q.limit, ...(before ? { before } : {}) });
      return reply.type('application/json; charset=utf-8').send(ok(page));
    } catch (e) {
      return answer(reply, req, e);
    }
  });

  app.get(`${RECEIPTS_API.list}/:requestId/:format`, async (req, reply) => {
    try {
      const actor = await technician(req);
      const { requestId, format } = parseOrThrow(FileParams, req.params ?? {});
      const { locale } = parseOrThrow(FileQuery, req.query ?? {});
      const file = await o.receipts.file(actor, requestId, format, locale);
      return reply
        .type(file.mimeType === 'application/json' ? 'application/json; charset=utf-8' : file.mimeType)
        .header('Content-Disposition', `attachment; filename="${file.fileName}"`)
        .header('X-Receipt-Id', file.receiptId)
        .header('X-Receipt-Version', String(file.version))
        .send(Buffer.from(file.base64, 'base64'));
    } catch (e) {
      return answer(reply, req, e);
    }
  });
}
