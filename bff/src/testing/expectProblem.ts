import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Problem } from '#shared/http/problem.js';

/** Asserts an RFC 9457 problem answer with this status and code; returns its body. */
export function expectProblem(res: LightMyRequestResponse, status: number, code: string): Problem {
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json<Problem>();
  expect(body).toMatchObject({
    status,
    code,
    type: expect.stringMatching(/^urn:forkline:problem:/) as string,
  });
  expect(res.statusCode).toBe(status);
  expect(body.title.length).toBeGreaterThan(0);
  expect(body.detail.length).toBeGreaterThan(0);
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/); // no stack traces
  return body;
}
