import { stdSerializers, type DestinationStream, type Logger } from 'pino';
import { createLogger } from '#shared/logging/logger.js';

/**
 * The BFF's logger: the shared redaction, and a request serializer that logs no headers
 * at all — bearer tokens never reach a log line.
 */
export function createBffLogger(level = 'info', destination?: DestinationStream): Logger {
  return createLogger('bff', level, {
    destination,
    serializers: {
      req: (req: { method: string; url: string; id: string; ip?: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
        ip: req.ip,
      }),
      err: stdSerializers.err,
    },
  });
}
