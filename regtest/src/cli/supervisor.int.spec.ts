import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '#shared/testing/waitFor.js';
import { createSupervisor, type Supervisor } from './supervisor.js';

describe('the process supervisor behind `forkline run`', () => {
  let supervisor: Supervisor | undefined;
  afterEach(() => supervisor?.stop());

  it('prefixes output, restarts a crashed process, and stops all on request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forkline-supervisor-'));
    // "steady" runs until SIGTERM; "crashy" exits with an error after printing a line.
    writeFileSync(join(dir, 'steady.ts'), `console.log('up'); setInterval(() => {}, 1000);`);
    writeFileSync(join(dir, 'crashy.ts'), `console.log('about to crash'); process.exitCode = 3;`);
    const lines: string[] = [];
    supervisor = createSupervisor({
      specs: [
        { name: 'steady', main: join(dir, 'steady.ts') },
        { name: 'crashy', main: join(dir, 'crashy.ts') },
      ],
      cwd: process.cwd(),
      env: process.env,
      out: (line) => lines.push(line),
    });
    supervisor.start();
    await waitFor(
      () => lines.filter((l) => l.startsWith('crashy | about to crash')).length,
      (n) => n >= 2,
      {
        what: 'the crashed process to be restarted',
      },
    );
    expect(lines).toContain('steady | up');
    expect(lines.some((l) => /^crashy \| exited \(code 3\); restarting in \d+ ms$/.test(l))).toBe(true);
    const steady = supervisor.pid('steady');
    expect(steady).toBeDefined();
    await supervisor.stop();
    expect(() => process.kill(steady!, 0)).toThrow();
  });

  it('gives a process its own variables on top of the shared environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forkline-supervisor-'));
    const script = join(dir, 'print.ts');
    writeFileSync(script, `console.log(process.env.WHERE, process.env.SHARED); setInterval(() => {}, 1000);`);
    const lines: string[] = [];
    supervisor = createSupervisor({
      specs: [
        { name: 'plain', main: script },
        { name: 'other', main: script, env: (shared) => ({ WHERE: `not ${shared.WHERE}` }) },
      ],
      cwd: process.cwd(),
      env: { ...process.env, WHERE: 'online', SHARED: 'kept' },
      out: (line) => lines.push(line),
    });
    supervisor.start();
    await waitFor(
      () => lines.length,
      (n) => n >= 2,
      { what: 'both processes to print' },
    );
    expect(lines.sort()).toEqual(['other | not online kept', 'plain | online kept']);
  });
});
