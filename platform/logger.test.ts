import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { createLogger } from './logger.ts';

it('personal fields and secrets never reach the log (ASVS 7.1.1, 7.1.2)', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const log = createLogger('info', sink);
  log.info({ patient: { givenName: 'Xylo', familyName: 'Quirrel', birthDate: '1931-02-03', address: '1 Nowhere Lane' }, password: 'hunter2-hunter2', token: 'abc123tok', req: { headers: { cookie: 'custodia_session=s3cr3t', authorization: 'Bearer t0k3n' } }, deviceId: 'dev-1' }, 'event');
  const out = lines.join('');
  for (const secret of ['Xylo', 'Quirrel', '1931-02-03', 'Nowhere', 'hunter2', 'abc123tok', 's3cr3t', 't0k3n']) expect(out).not.toContain(secret);
  expect(out).toContain('dev-1'); // ids stay, so logs remain useful
  expect(out).toContain('[redacted]');
});
