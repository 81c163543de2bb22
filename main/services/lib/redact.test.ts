import { describe, expect, it } from 'vitest';
import { REDACTED, redactLine, redactPath, redactText, redactValue } from './redact.js';
import { createLogger } from './logger.js';

describe('redactPath: root, depth and last extension kept, names dropped', () => {
  it.each([
    ['/home/dr/Patients/Dupont Jeanne.pdf', '/…/…/…/….pdf'],
    ['/home/dr/Patients/Dupont Jeanne/', '/…/…/…/…/'],
    ['C:\\Users\\dr\\Documents\\Martin Paul.docx', 'C:\\…\\…\\…\\….docx'],
    ['\\\\serveur\\partage\\Patients\\Leroy.jpg', '\\\\…\\…\\…\\….jpg'],
    ['~/Documents/Durand.odt', '~/…/….odt'],
    ['Patients/Dupont.tar.gz', '…/….gz'],
    ['/', '/'],
    ['.vigie', '…'],
  ])('%s → %s', (input, out) => expect(redactPath(input)).toBe(out));
});

describe('redactText: secrets and absolute paths in free text', () => {
  it.each([
    [
      'restore failed for /home/cabinet/Patients/Dupont Jeanne/radio du 3 mars.pdf: permission denied',
      'restore failed for /…/…/…/…/….pdf: permission denied',
    ],
    ['lstat "C:\\Users\\dr\\Patients\\Martin Paul.docx" failed', 'lstat "C:\\…\\…\\…\\….docx" failed'],
    ['Authorization: Bearer eyJhbGciOi.abc.def', `Authorization: Bearer ${REDACTED}`],
    ['password=hunter2&user=dr', `password=${REDACTED}&user=dr`],
    ['code 7N7Q-7DJ6 accepted', `code ${REDACTED} accepted`],
    [`token ${'a'.repeat(64)}`, `token ${REDACTED}`],
    // Kept: URLs, ids, dates, words with a slash.
    ['connected to http://127.0.0.1:8750/device', 'connected to http://127.0.0.1:8750/device'],
    [
      'request 3f2b6c1e-8a7d-4c2b-9e1f-0a1b2c3d4e5f at 2026-12-03T10:00:00.000Z',
      'request 3f2b6c1e-8a7d-4c2b-9e1f-0a1b2c3d4e5f at 2026-12-03T10:00:00.000Z',
    ],
    ['and/or 3/4 done', 'and/or 3/4 done'],
  ])('%s', (input, out) => expect(redactText(input)).toBe(out));
});

describe('redactValue: by field name, at any depth', () => {
  it('secrets by name, paths by name (relative too), the rest by text; booleans and nulls stay', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    expect(
      redactValue({
        token: 'abc',
        deviceToken: 'abc',
        password: 'p',
        totpSecret: 's',
        enrollmentCode: '7N7Q-7DJ6',
        hubKey: 'k',
        hasToken: true,
        secret: null,
        paths: ['Patients/Dupont.pdf', '/srv/x/Martin.odt'],
        targetDir: '/home/dr/Restauré',
        nested: { err: { message: 'open /home/dr/Patients/Leroy.jpg failed' }, list: [{ passphrase: 'x' }] },
        cyclic,
        count: 3,
      }),
    ).toEqual({
      token: REDACTED,
      deviceToken: REDACTED,
      password: REDACTED,
      totpSecret: REDACTED,
      enrollmentCode: REDACTED,
      hubKey: REDACTED,
      hasToken: true,
      secret: null,
      paths: ['…/….pdf', '/…/…/….odt'],
      targetDir: '/…/…/…',
      nested: { err: { message: 'open /…/…/…/….jpg failed' }, list: [{ passphrase: REDACTED }] },
      cyclic: { name: 'x', self: '[…]' },
      count: 3,
    });
  });

  it('redactLine: a JSON line field by field, any other text as text, always one line', () => {
    expect(redactLine('{"msg":"x","token":"t","path":"/a/b.txt"}')).toBe('{"msg":"x","token":"[redacted]","path":"/…/….txt"}');
    expect(redactLine('{broken /home/dr/Dupont.pdf\nsecond')).toBe('{broken /…/…/….pdf second');
  });

  it('the logger redacts every line it writes, its bindings included', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', write: (l) => lines.push(l) }).child({ repository: '/mnt/nas/Cabinet Dupont' });
    log.info('backup of /home/dr/Patients/Dupont.pdf done', {
      password: 'p',
      err: Object.assign(new Error('EACCES /home/dr/x/Leroy.odt'), { code: 'EACCES' }),
    });
    const o = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(o).toMatchObject({
      repository: '/…/…/…',
      msg: 'backup of /…/…/…/….pdf done',
      password: REDACTED,
      err: { name: 'Error', message: 'EACCES /…/…/…/….odt', code: 'EACCES' },
    });
    expect(lines[0]).not.toMatch(/Dupont|Leroy/);
  });
});
