// pino with redaction of anything that could hold personal data or secrets.
import pino, { type Logger } from 'pino';

export const REDACT_PATHS = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'name',
  '*.name',
  'givenName',
  'familyName',
  '*.givenName',
  '*.familyName',
  'birthDate',
  '*.birthDate',
  'address',
  '*.address',
  'identifier',
  '*.identifier',
  'payload',
  '*.payload',
  'body',
  '*.body',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'custodia' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export type { Logger };
