import { tipSchema } from '../http/schemas.js';

const nullableInt = { type: ['integer', 'null'] } as const;

/** A component that failed or did not answer in time. */
const unavailable = {
  type: 'object',
  properties: { available: { const: false }, reason: { type: 'string' } },
  required: ['available', 'reason'],
} as const;

/** Either what the component reports (available: true) or why it could not (available: false). */
const component = (properties: Record<string, object>, required: readonly string[]) => ({
  anyOf: [
    {
      type: 'object',
      properties: { available: { const: true }, ...properties },
      required: ['available', ...required],
    },
    unavailable,
  ],
});

/** GET /v1/status's answer (readStatus.ts `Status`): every field it returns, none left out. */
export const statusSchema = {
  type: 'object',
  properties: {
    checkedAt: { type: 'string', format: 'date-time' },
    node: component({ tip: tipSchema }, ['tip']),
    crawler: component(
      {
        tip: tipSchema,
        lagBlocks: nullableInt,
        rescans: {
          type: 'array',
          description: 'Rescans of the stored chain for addresses learned late or registered with history',
          items: {
            type: 'object',
            properties: {
              rescanId: { type: 'integer' },
              fromHeight: { type: 'integer' },
              reachedHeight: { type: 'integer', description: 'The last height scanned' },
              addresses: { type: 'integer' },
              blocksPerSec: { type: ['number', 'null'] },
              running: { type: 'boolean', description: 'false: queued behind the running one' },
            },
            required: ['rescanId', 'fromHeight', 'reachedHeight', 'addresses', 'blocksPerSec', 'running'],
          },
        },
      },
      ['tip', 'lagBlocks', 'rescans'],
    ),
    outbox: component({ backlog: { type: 'integer' }, lagMs: { type: 'integer' } }, ['backlog', 'lagMs']),
    projector: component(
      {
        tip: tipSchema,
        lagBlocks: nullableInt,
        streams: { type: 'integer' },
        parkedEvents: { type: 'integer' },
        deadLetters: { type: 'integer' },
        openGaps: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              stream: { type: 'string' },
              appliedVersion: { type: 'integer' },
              firstMissingVersion: { type: 'integer' },
              firstParkedVersion: { type: 'integer' },
              parkedCount: { type: 'integer' },
              waitingSince: { type: 'string', format: 'date-time' },
            },
            required: [
              'stream',
              'appliedVersion',
              'firstMissingVersion',
              'firstParkedVersion',
              'parkedCount',
              'waitingSince',
            ],
          },
        },
        stoppedStreams: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              stream: { type: 'string' },
              appliedVersion: { type: 'integer' },
              deadLetterVersion: nullableInt,
              reason: { type: 'string' },
            },
            required: ['stream', 'appliedVersion', 'deadLetterVersion', 'reason'],
          },
        },
      },
      ['tip', 'lagBlocks', 'streams', 'parkedEvents', 'deadLetters', 'openGaps', 'stoppedStreams'],
    ),
  },
  required: ['checkedAt', 'node', 'crawler', 'outbox', 'projector'],
} as const;
