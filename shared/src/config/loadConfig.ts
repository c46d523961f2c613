import { z } from 'zod';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Parses the environment once at start-up. A missing or malformed variable fails
 * with one line naming it, so an operator sees what to fix without a stack trace.
 */
export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<z.infer<z.ZodObject<S>>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = issue?.path.join('.') ?? 'environment';
    const value = env[variable];
    const shown = value === undefined ? 'missing' : `got ${JSON.stringify(redact(variable, value))}`;
    throw new ConfigError(`invalid configuration: ${variable}: ${issue?.message ?? 'invalid'} (${shown})`);
  }
  return Object.freeze(result.data);
}

function redact(variable: string, value: string): string {
  if (/TOKEN|SECRET|PASSWORD/i.test(variable)) return '***';
  return value.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
