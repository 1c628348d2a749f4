import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs (pino). Secrets never reach the log: these paths are redacted wherever they occur,
 * and code logs ids, never secret material.
 */
export const REDACT_PATHS = [
  'secret',
  'password',
  'token',
  'authorization',
  '*.secret',
  '*.secretAccessKey',
  '*.SecretAccessKey',
  '*.sessionToken',
  '*.SessionToken',
  '*.password',
  '*.Password',
  '*.token',
  '*.authorization',
  '*.masterKey',
  'req.headers.authorization',
  'req.headers["x-amz-security-token"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-amz-security-token"]',
  'headers.cookie',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'tessera' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination as never,
  );
}
