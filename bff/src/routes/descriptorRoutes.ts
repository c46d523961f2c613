import type { FastifyInstance } from 'fastify';
import { deriveAddresses } from '#shared/bitcoin/descriptors/deriveAddresses.js';
import { parseDescriptor } from '#shared/bitcoin/descriptors/parseDescriptor.js';
import { ForklineError } from '#shared/errors/catalogue.js';
import { addDescriptor } from '../commands/addDescriptor.js';
import type { DescriptorRow } from '../db/descriptorRow.js';
import { findUserDescriptor } from '../db/findUserDescriptor.js';
import { accessSecurity } from '../auth/accessSecurity.js';
import { fromDatabase } from '../http/fromDatabase.js';
import { problemResponses } from '../http/problemResponses.js';
import { NO_QUERY, rescanFromHeightSchema, USER_ID_PATTERN, userIdParams } from '../http/schemas.js';
import type { RouteDeps } from './routeDeps.js';

const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

const descriptorParams = {
  type: 'object',
  properties: {
    userId: { type: 'string', pattern: USER_ID_PATTERN },
    descriptorId: { type: 'string', pattern: UUID_PATTERN },
  },
  required: ['userId', 'descriptorId'],
  additionalProperties: false,
} as const;

const branchSchema = {
  type: 'object',
  properties: {
    derived: { type: 'integer', description: 'Addresses 0 .. derived − 1 are watched' },
    highestUsed: { type: 'integer', description: 'The highest index paid (−1: none yet)' },
  },
  required: ['derived', 'highestUsed'],
} as const;

const descriptorSchema = {
  type: 'object',
  properties: {
    userId: { type: 'string' },
    descriptorId: { type: 'string' },
    descriptor: { type: 'string', description: 'The receive descriptor, normalised, with its checksum' },
    changeDescriptor: { type: 'string' },
    gapLimit: { type: 'integer' },
    fromHeight: { type: 'integer', description: 'Its addresses are matched from this height' },
    rescanning: {
      type: 'boolean',
      description: 'Addresses of it are placed or rescanned: payments from before may still come',
    },
    receive: branchSchema,
    change: branchSchema,
  },
  required: [
    'userId',
    'descriptorId',
    'descriptor',
    'changeDescriptor',
    'gapLimit',
    'fromHeight',
    'rescanning',
    'receive',
    'change',
  ],
} as const;

/**
 * Wallets registered by their output descriptor (BIP-380): register one (admin), read one,
 * and hand out its next unused receive address (the user or an admin).
 */
export function registerDescriptorRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const view = (d: DescriptorRow) => {
    const parsed = parseDescriptor(d.descriptor, deps.network);
    if (!parsed.ok) throw new Error(`stored descriptor ${d.descriptorId} does not parse: ${parsed.message}`);
    return {
      userId: d.userId,
      descriptorId: d.descriptorId,
      descriptor: d.descriptor,
      changeDescriptor: parsed.descriptor.changeCanonical,
      gapLimit: d.gapLimit,
      fromHeight: d.fromHeight,
      rescanning: d.addressesWaiting > 0,
      receive: { derived: d.derivedReceive, highestUsed: d.usedReceive },
      change: { derived: d.derivedChange, highestUsed: d.usedChange },
    };
  };

  app.post<{
    Params: { userId: string };
    Body: { descriptor: string; gapLimit?: number; rescanFromHeight?: number };
  }>(
    '/v1/users/:userId/descriptors',
    {
      onRequest: deps.access('admin'),
      schema: {
        summary: 'Watch a wallet by its output descriptor: its receive and change addresses (AddressAdded)',
        description:
          '`wpkh`, `sh(wpkh)`, `pkh` or `tr` over an xpub (tpub off mainnet) ending in `/0/*` or `/<0;1>/*`, ' +
          'with or without a key origin and checksum. forkline watches `gapLimit` unused addresses beyond the ' +
          'highest used index of each branch, extending the window as payments arrive.',
        security: accessSecurity('admin'),
        params: userIdParams,
        querystring: NO_QUERY,
        body: {
          type: 'object',
          properties: {
            descriptor: { type: 'string', minLength: 1, maxLength: 1000 },
            gapLimit: { type: 'integer', minimum: 1, maximum: 1000, default: 20 },
            rescanFromHeight: rescanFromHeightSchema,
          },
          required: ['descriptor'],
          additionalProperties: false,
        },
        response: {
          201: { description: 'Registered: its first windows are watched', ...descriptorSchema },
          200: { description: 'The user registered it before: nothing written', ...descriptorSchema },
          ...problemResponses('admin', [
            'INVALID_REQUEST',
            'PRIVATE_KEY_REFUSED',
            'WRONG_NETWORK',
            'BAD_CHECKSUM',
            'HARDENED_DERIVATION',
            'UNSUPPORTED_DESCRIPTOR',
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
      const { descriptor, gapLimit = 20, rescanFromHeight } = request.body;
      const result = await fromDatabase('online', () =>
        addDescriptor(deps.online, deps.network, userId, {
          descriptor,
          gapLimit,
          ...(rescanFromHeight !== undefined && { rescanFromHeight }),
        }),
      );
      switch (result.outcome) {
        case 'added':
          return reply.code(201).send(view(result.descriptor));
        case 'alreadyOwned':
          return reply.code(200).send(view(result.descriptor));
        case 'invalid':
          throw new ForklineError(result.code, result.message);
        case 'unknownUser':
          throw new ForklineError('NOT_FOUND', `there is no user ${JSON.stringify(userId)}`);
        case 'taken':
          throw new ForklineError(
            'ADDRESS_TAKEN',
            'this descriptor, or one of its first addresses, is already registered to another user',
          );
      }
    },
  );

  const readDescriptor = async (userId: string, descriptorId: string) => {
    const row = await fromDatabase('online', () => findUserDescriptor(deps.online, userId, descriptorId));
    if (!row) throw new ForklineError('NOT_FOUND', `the user has no descriptor ${descriptorId}`);
    return row;
  };

  app.get<{ Params: { userId: string; descriptorId: string } }>(
    '/v1/users/:userId/descriptors/:descriptorId',
    {
      onRequest: deps.access('ownUser'),
      schema: {
        summary: 'A registered wallet: its windows, highest used indexes, and whether it is being rescanned',
        security: accessSecurity('ownUser'),
        params: descriptorParams,
        querystring: NO_QUERY,
        response: {
          200: { description: 'The wallet', ...descriptorSchema },
          ...problemResponses('ownUser', ['INVALID_REQUEST', 'NOT_FOUND', 'DEPENDENCY_UNAVAILABLE']),
        },
      },
    },
    async (request) => view(await readDescriptor(request.params.userId, request.params.descriptorId)),
  );

  app.get<{ Params: { userId: string; descriptorId: string } }>(
    '/v1/users/:userId/descriptors/:descriptorId/next-address',
    {
      onRequest: deps.access('ownUser'),
      schema: {
        summary: 'The next unused receive address of a wallet: the one after the highest index paid',
        security: accessSecurity('ownUser'),
        params: descriptorParams,
        querystring: NO_QUERY,
        response: {
          200: {
            description:
              'Inside the watched window (or the next the crawler adds to it, matched from the use that calls for it); the same until it is paid',
            type: 'object',
            properties: {
              descriptorId: { type: 'string' },
              address: { type: 'string' },
              index: { type: 'integer' },
              branch: { type: 'integer', enum: [0] },
            },
            required: ['descriptorId', 'address', 'index', 'branch'],
          },
          ...problemResponses('ownUser', ['INVALID_REQUEST', 'NOT_FOUND', 'DEPENDENCY_UNAVAILABLE']),
        },
      },
    },
    async (request) => {
      const row = await readDescriptor(request.params.userId, request.params.descriptorId);
      const parsed = parseDescriptor(row.descriptor, deps.network);
      if (!parsed.ok)
        throw new Error(`stored descriptor ${row.descriptorId} does not parse: ${parsed.message}`);
      const index = row.usedReceive + 1;
      const [next] = deriveAddresses(parsed.descriptor, 0, index, 1);
      return { descriptorId: row.descriptorId, address: next!.address, index, branch: 0 };
    },
  );
}
