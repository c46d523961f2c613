import { z } from 'zod';

/** Reusable field parsers for environment variables (all arrive as strings). */

export const postgresUrl = () =>
  z
    .string({ required_error: 'is required' })
    .url('must be a URL like postgres://user:password@host:port/database')
    .refine((u) => /^postgres(ql)?:\/\//.test(u), 'must start with postgres:// or postgresql://');

export const httpUrl = () =>
  z
    .string({ required_error: 'is required' })
    .url('must be a URL like http://user:password@host:port')
    .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://');

export const zmqEndpoint = () =>
  z
    .string({ required_error: 'is required' })
    .regex(/^(tcp|ipc):\/\/\S+$/, 'must be a ZMQ endpoint like tcp://127.0.0.1:28332');

export const kafkaBrokers = () =>
  z
    .string({ required_error: 'is required' })
    .transform((s) =>
      s
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    )
    .refine(
      (list) => list.length > 0 && list.every((b) => /^[\w.-]+:\d{1,5}$/.test(b)),
      'must be a comma-separated list of host:port',
    );

export const positiveInt = (fallback: number) =>
  z.coerce
    .number({ invalid_type_error: 'must be a whole number' })
    .int('must be a whole number')
    .positive('must be greater than 0')
    .default(fallback);

export const nonNegativeInt = (fallback: number) =>
  z.coerce
    .number({ invalid_type_error: 'must be a whole number' })
    .int('must be a whole number')
    .nonnegative('must be 0 or more')
    .default(fallback);

export const port = (fallback: number) =>
  z.coerce
    .number({ invalid_type_error: 'must be a port number' })
    .int()
    .min(1, 'must be a port number 1-65535')
    .max(65535, 'must be a port number 1-65535')
    .default(fallback);

export const logLevel = () =>
  z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

export const network = () => z.enum(['regtest', 'testnet', 'signet', 'mainnet']).default('regtest');

export const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .default(fallback ? 'true' : 'false');
