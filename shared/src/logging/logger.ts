import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Where secrets can appear in a log object; pino replaces them with ***. */
const REDACTED_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
];

/** Root logger of a process; components take `log.child({ component })`. Secrets are redacted. */
export function createLogger(
  name: string,
  level: string = process.env.LOG_LEVEL ?? 'info',
  options: { serializers?: LoggerOptions['serializers']; destination?: DestinationStream } = {},
): Logger {
  return pino(
    {
      name,
      level,
      redact: { paths: REDACTED_PATHS, censor: '***' },
      ...(options.serializers ? { serializers: options.serializers } : {}),
    },
    options.destination,
  );
}
