import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { readStackEnv, repoRoot, stackEnvPath, type StackEnv } from '#shared/testing/stackEnv.js';

export class CliError extends Error {
  override readonly name = 'CliError';
}

/** The running stack's settings; the environment overrides `.run/stack.env`. */
export function stackEnv(): StackEnv {
  if (!existsSync(stackEnvPath)) {
    throw new CliError(`the stack is not up (no ${stackEnvPath}): run \`forkline up\` or \`make up\` first`);
  }
  const fromFile = readStackEnv();
  const merged: Record<string, string> = { ...fromFile };
  for (const key of Object.keys(fromFile)) {
    const override = process.env[key];
    if (override) merged[key] = override;
  }
  return merged as StackEnv;
}

/** Runs one of the regtest/*.sh scripts with the terminal attached; resolves with its exit code. */
export function runScript(script: string, args: string[] = []): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(`${repoRoot}regtest/${script}`, args, { stdio: 'inherit', cwd: repoRoot });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

export const execFileAsync = promisify(execFile);
