/**
 * The read model's contract between the projector, which writes these tables, and the
 * BFF, which reads them: one definition of their names for both.
 */

/** The live read model's schema: what the BFF reads as `projection.*`. */
export const PROJECTION_SCHEMA = 'projection';

/** Fully qualified names of the read-model tables inside one schema. */
export interface ProjectionTables {
  schema: string;
  balances: string;
  activities: string;
  activityChanges: string;
  chainBlocks: string;
  users: string;
  userAddresses: string;
  streamVersions: string;
  parkedEvents: string;
  deadLetters: string;
  /** What chain events wait for in users' streams: see the views migration 0003. */
  streamAwaits: string;
  /** Which order a user's transaction settles: see the views migration 0004. */
  settlementLinks: string;
  /** What each batch changed per user, for live updates: see the views migration 0005. */
  userChanges: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The tables of `schema` (the live one, or a rebuild's). The name is checked because
 * it is spliced into SQL text: identifiers cannot be bind parameters.
 */
export function projectionTables(schema: string = PROJECTION_SCHEMA): ProjectionTables {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid projection schema name ${JSON.stringify(schema)}`);
  const q = (table: string) => `"${schema}".${table}`;
  return {
    schema,
    balances: q('balances'),
    activities: q('activities'),
    activityChanges: q('activity_changes'),
    chainBlocks: q('chain_blocks'),
    users: q('users'),
    userAddresses: q('user_addresses'),
    streamVersions: q('stream_versions'),
    parkedEvents: q('parked_events'),
    deadLetters: q('dead_letters'),
    streamAwaits: q('stream_awaits'),
    settlementLinks: q('settlement_links'),
    userChanges: q('user_changes'),
  };
}

/** The live read model, as the BFF reads it. */
export const LIVE_PROJECTION: ProjectionTables = Object.freeze(projectionTables(PROJECTION_SCHEMA));
