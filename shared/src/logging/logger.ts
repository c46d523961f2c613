import { pino, type Logger } from 'pino';

export type { Logger };

/** Root logger of a process; components take `log.child({ component })`. Secrets are redacted. */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'authorization',
        '*.authorization',
        'headers.authorization',
        'secret',
        '*.secret',
      ],
      censor: '***',
    },
  });
}
