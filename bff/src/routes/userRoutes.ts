import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ForklineError } from '#shared/errors/catalogue.js';
import { addAddress } from '../commands/addAddress.js';
import { registerUser } from '../commands/registerUser.js';
import { accessSecurity } from '../auth/accessSecurity.js';
import { fromDatabase } from '../http/fromDatabase.js';
import { problemResponses } from '../http/problemResponses.js';
import { NO_QUERY, rescanFromHeightSchema, USER_ID_PATTERN, userIdParams } from '../http/schemas.js';
import type { RouteDeps } from './routeDeps.js';

const userAddress = {
  type: 'object',
  properties: { userId: { type: 'string' }, address: { type: 'string' } },
  required: ['userId', 'address'],
} as const;

const addedAddress = {
  type: 'object',
  properties: {
    ...userAddress.properties,
    fromHeight: { type: 'integer', description: 'The first block height it is matched in' },
    rescanning: { type: 'boolean', description: 'A rescan from fromHeight is counting its history' },
  },
  required: [...userAddress.required, 'fromHeight', 'rescanning'],
} as const;

/** Commands: they write to the online database only, each with its event in one transaction. */
export function registerUserRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post<{ Body: { userId?: string } | undefined }>(
    '/v1/users',
    {
      onRequest: deps.access('admin'),
      // No body at all means "choose an id for me", like {}; the JSON body null is refused
      // like any other non-object.
      preValidation: (request, _reply, done) => {
        if (request.body === undefined) request.body = {};
        done();
      },
      schema: {
        summary: 'Register a user (UserRegistered)',
        security: accessSecurity('admin'),
        querystring: NO_QUERY,
        body: {
          type: 'object',
          properties: { userId: { type: 'string', pattern: USER_ID_PATTERN } },
          additionalProperties: false,
        },
        response: {
          201: {
            description: 'Registered (a uuid when no userId was given); Location: its balance',
            headers: { Location: { type: 'string' } },
            type: 'object',
            properties: { userId: { type: 'string' } },
            required: ['userId'],
          },
          ...problemResponses('admin', [
            'INVALID_REQUEST',
            'PAYLOAD_TOO_LARGE',
            'USER_EXISTS',
            'DEPENDENCY_UNAVAILABLE',
          ]),
        },
      },
    },
    async (request, reply) => {
      const userId = request.body?.userId ?? randomUUID();
      const result = await fromDatabase('online', () => registerUser(deps.online, userId));
      if (result.outcome === 'exists') {
        throw new ForklineError('USER_EXISTS', `the user ${JSON.stringify(userId)} already exists`);
      }
      return reply.code(201).header('location', `/v1/users/${userId}/balance`).send({ userId });
    },
  );

  app.post<{ Params: { userId: string }; Body: { address: string; rescanFromHeight?: number } }>(
    '/v1/users/:userId/addresses',
    {
      onRequest: deps.access('admin'),
      schema: {
        summary: "Watch an address for a user's activities (AddressAdded)",
        security: accessSecurity('admin'),
        params: userIdParams,
        querystring: NO_QUERY,
        body: {
          type: 'object',
          // No white space: nothing is coerced, so " addr " is refused rather than trimmed.
          properties: {
            address: { type: 'string', minLength: 1, maxLength: 200, pattern: '^\\S+$' },
            rescanFromHeight: rescanFromHeightSchema,
          },
          required: ['address'],
          additionalProperties: false,
        },
        response: {
          201: {
            description:
              "Added, in the node's spelling: matched from `fromHeight`; `rescanning` until the history " +
              'from rescanFromHeight is counted (the balance read says so too)',
            ...addedAddress,
          },
          200: { description: 'The user already has it: nothing written', ...userAddress },
          ...problemResponses('admin', [
            'INVALID_REQUEST',
            'INVALID_ADDRESS',
            'WRONG_NETWORK',
            'NOT_FOUND',
            'ADDRESS_TAKEN',
            'PAYLOAD_TOO_LARGE',
            'DEPENDENCY_UNAVAILABLE',
          ]),
        },
      },
    },
    async (request, reply) => {
      const { userId } = request.params;
      const { address, rescanFromHeight } = request.body;
      const result = await fromDatabase('online', () =>
        addAddress(deps.online, deps.network, userId, address, rescanFromHeight),
      );
      switch (result.outcome) {
        case 'added':
          return reply.code(201).send({
            userId,
            address: result.address,
            fromHeight: result.fromHeight,
            rescanning: result.rescan,
          });
        case 'alreadyOwned':
          return reply.code(200).send({ userId, address: result.address });
        case 'invalid':
          throw new ForklineError(result.code, result.message);
        case 'unknownUser':
          throw new ForklineError('NOT_FOUND', `there is no user ${JSON.stringify(userId)}`);
        case 'taken':
          throw new ForklineError('ADDRESS_TAKEN', 'this address is already registered to another user');
      }
    },
  );
}
