// The audit chain against unauthenticated input: only well-formed Unicode gets in, and what is stored is what was hashed.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP, type Result } from '@vigie/common';
import { code, createHelp, newDevice, startTestHub, type TestHub } from './test-support/fixture.js';
import { emitAck } from './test-support/sockets.js';

describe('unauthenticated input never breaks the chain', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ socket: { ratePerSecond: 1000, burst: 1000 } });
  });
  afterAll(() => t.close());

  it('lone surrogates are refused at the boundary (HTTP bodies and socket events), and the chain still verifies', async () => {
    // Raw JSON text: "\ud800" is a lone surrogate once parsed.
    const post = (path: string, body: string) =>
      fetch(t.hub.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const login = await post(HTTP.login, '{"login":"jeanne\\ud800","password":"x","totp":"123456"}');
    expect(login.status).toBe(400);
    expect(await login.json()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const enroll = await post(
      HTTP.enroll,
      `{"code":"${t.code}","device":{"name":"Poste \\udc00","os":"linux","osVersion":"1","appVersion":"1"}}`,
    );
    expect(enroll.status).toBe(400);
    const badKey = await post(HTTP.login, '{"login":"a","password":"x","totp":"123456","\\ud83d":1}');
    expect(badKey.status).toBe(400);
    // A well-formed pair (an emoji) is text like any other.
    const emoji = await post(HTTP.login, '{"login":"jeanne\\ud83d\\ude00","password":"x","totp":"123456"}');
    expect(((await emoji.json()) as Result<unknown>).ok ? 'OK' : 'refused').toBe('refused');
    expect(emoji.status).toBe(401);

    const dev = await newDevice(t);
    expect(
      code(
        await emitAck(dev.socket, 'help:create', {
          clientId: randomUUID(),
          context: { os: 'linux', osVersion: '1', appVersion: '1' },
          description: 'écran \uD800 noir',
        }),
      ),
    ).toBe('BAD_REQUEST');
    const { request } = await createHelp(dev);
    expect(
      code(
        await emitAck(dev.socket, 'chat:send', {
          requestId: request.id,
          id: randomUUID(),
          text: '\uDFFFbonjour',
          sentAt: new Date().toISOString(),
        }),
      ),
    ).toBe('BAD_REQUEST');
    // U+0000 is refused the same way (Postgres text cannot hold it): a BAD_REQUEST on either store, never an INTERNAL retried for ever.
    expect(
      code(
        await emitAck(dev.socket, 'chat:send', {
          requestId: request.id,
          id: randomUUID(),
          text: 'bon\u0000jour',
          sentAt: new Date().toISOString(),
        }),
      ),
    ).toBe('BAD_REQUEST');
    expect(code(await emitAck(dev.socket, 'help:update', { requestId: request.id, description: 'écran\u0000noir' }))).toBe('BAD_REQUEST');
    const nul = await post(HTTP.login, '{"login":"jeanne\\u0000","password":"x","totp":"123456"}');
    expect(nul.status).toBe(400);

    const v = await t.hub.admin.verifyAudit();
    expect(v).toMatchObject({ ok: true });
    const actions = (await t.hub.services.audit.list()).map((e) => e.action);
    expect(actions).toContain('auth.login_failed'); // the emoji login, recorded and verified
  });

  it('whatever a caller hands the audit log, what is stored is what was hashed (verify never fails on it)', async () => {
    const weird = {
      '\uDC00key': ['\uD800', 'ok \uD83D\uDE00', { deep: 'x\uDBFF', nul: 'a\u0000b' }],
      n: -0,
      big: 1e21,
      nested: { b: 1, a: [null, true] },
    };
    await t.hub.services.audit.append({
      actorType: 'device',
      actorId: 'dev\uD800\u0000',
      action: 'test.weird\uDFFF',
      subject: 'sujet \uD800\u0000',
      data: weird,
    });
    const v = await t.hub.admin.verifyAudit();
    expect(v).toMatchObject({ ok: true });
    const last = (await t.hub.services.audit.list()).at(-1)!;
    expect(last.subject).toBe('sujet \uFFFD\uFFFD');
    expect(last.actorId).toBe('dev\uFFFD\uFFFD');
    expect(JSON.stringify(last.data)).not.toContain('\\u0000');
    expect(JSON.stringify(last.data)).not.toMatch(/\\ud[89a-f]/i);
  });
});
