import type { FastifyInstance } from 'fastify';
import { ForklineError } from '#shared/errors/catalogue.js';
import type { BalanceView } from '../db/readBalances.js';
import { accessSecurity } from '../auth/accessSecurity.js';
import { fromDatabase } from '../http/fromDatabase.js';
import { problemResponses } from '../http/problemResponses.js';
import { HEIGHT_PATTERN, tipSchema, userIdParams, WAIT_MS_PATTERN } from '../http/schemas.js';
import type { RouteDeps } from './routeDeps.js';

/** Set when the request asked for minHeight: "true" when the answer is older than that. */
export const BEHIND_HEADER = 'forkline-behind';
/**
 * The height of the chain position the answer reflects exactly: every event of every
 * block up to it (absent before the first block).
 */
export const TIP_HEIGHT_HEADER = 'forkline-tip-height';

/** "true" while an address of the user is rescanned for its history (more activities may come). */
export const RESCANNING_HEADER = 'forkline-rescanning';

const reachedHeight = (balance: BalanceView | undefined, minHeight: number): boolean =>
  (balance?.tip?.height ?? -1) >= minHeight;

export function registerBalanceRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get<{ Params: { userId: string }; Querystring: { minHeight?: string; waitMs?: string } }>(
    '/v1/users/:userId/balance',
    {
      onRequest: deps.access('ownUser'),
      schema: {
        summary: "A user's balance, optionally waiting until it reflects a block height",
        security: accessSecurity('ownUser'),
        params: userIdParams,
        querystring: {
          type: 'object',
          properties: {
            minHeight: { type: 'string', pattern: HEIGHT_PATTERN },
            waitMs: { type: 'string', pattern: WAIT_MS_PATTERN },
          },
          additionalProperties: false,
        },
        response: {
          200: {
            description: 'The balance at the chain position `tip`',
            headers: {
              [TIP_HEIGHT_HEADER]: {
                type: 'integer',
                description: 'tip.height (absent before the first block)',
              },
              [RESCANNING_HEADER]: {
                type: 'string',
                enum: ['true', 'false'],
                description: '"true" while an address of the user is rescanned for its history',
              },
              [BEHIND_HEADER]: {
                type: 'string',
                enum: ['true', 'false'],
                description: 'with minHeight: "true" when the answer is older than that height',
              },
            },
            type: 'object',
            properties: {
              userId: { type: 'string' },
              confirmedSats: { type: 'integer' },
              pendingSats: { type: 'integer' },
              immatureSats: { type: 'integer' },
              totalSats: { type: 'integer' },
              txCount: { type: 'integer' },
              tip: tipSchema,
              version: { type: 'integer' },
              rescanning: {
                type: 'boolean',
                description: 'An address is rescanned for its history: activities from before may still come',
              },
            },
            required: [
              'userId',
              'confirmedSats',
              'pendingSats',
              'immatureSats',
              'totalSats',
              'txCount',
              'tip',
              'version',
              'rescanning',
            ],
          },
          ...problemResponses('ownUser', ['INVALID_REQUEST', 'NOT_FOUND', 'DEPENDENCY_UNAVAILABLE']),
        },
      },
    },
    async (request, reply) => {
      const { userId } = request.params;
      const { minHeight, waitMs } = request.query;
      if (minHeight === undefined && waitMs !== undefined) {
        throw new ForklineError(
          'INVALID_REQUEST',
          'waitMs only makes sense with minHeight (the height to wait for)',
        );
      }
      // No closures per request: under tsx every named one costs a defineProperty.
      let balance = await fromDatabase('views', () => deps.balances.read(userId));
      if (minHeight !== undefined) {
        const height = Number(minHeight);
        let behind = !reachedHeight(balance, height);
        // Long-poll: answer once the user's position reaches minHeight, or with the
        // current state after waitMs. One shared watcher polls the projection's tip; the
        // user's own position trails it only while their events of a block are in flight,
        // so it is read again after each of the watcher's polls until it gets there.
        const deadline = Date.now() + Number(waitMs ?? 0);
        while (behind) {
          const left = deadline - Date.now();
          if (left <= 0 || !(await deps.tipWatcher.waitForHeight(height, left))) break;
          balance = await fromDatabase('views', () => deps.balances.read(userId));
          behind = !reachedHeight(balance, height);
        }
        reply.header(BEHIND_HEADER, String(behind));
      }
      if (!balance) {
        throw new ForklineError('NOT_FOUND', `the read side knows no user ${JSON.stringify(userId)}`);
      }
      if (balance.tip) reply.header(TIP_HEIGHT_HEADER, String(balance.tip.height));
      reply.header(RESCANNING_HEADER, String(balance.rescanning));
      return balance;
    },
  );
}
