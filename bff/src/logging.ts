import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';

/**
 * The BFF's logger: the shared redaction plus the request's Authorization header, and a
 * request serializer that logs no headers at all — bearer tokens never reach a log line.
 */
export function createBffLogger(level = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      name: 'bff',
      level,
      redact: {
        paths: [
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
        ],
        censor: '***',
      },
      serializers: {
        req: (req: { method: string; url: string; id: string; ip?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
          ip: req.ip,
        }),
        err: stdSerializers.err,
      },
    },
    destination,
  );
}
