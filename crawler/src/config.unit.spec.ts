import { describe, expect, it } from 'vitest';
import { loadCrawlerConfig } from './config.js';

const base = {
  BITCOIND_RPC_URL: 'http://u:p@127.0.0.1:18443',
  ONLINE_DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/online',
};

describe('loadCrawlerConfig', () => {
  it('defaults: regtest from genesis, poll 2 s, metrics on 28081, ZMQ optional', () => {
    expect(loadCrawlerConfig(base)).toMatchObject({
      BITCOIN_NETWORK: 'regtest',
      CRAWLER_START_HEIGHT: 0,
      CRAWLER_POLL_INTERVAL_MS: 2000,
      CRAWLER_FETCH_CONCURRENCY: 4,
      CRAWLER_METRICS_PORT: 28081,
      CRAWLER_CATCHUP_GROUP_BLOCKS: 20,
      CRAWLER_CATCHUP_BEHIND_BLOCKS: 6,
    });
  });

  it('catch-up groups: 1 turns them off; 0 or above 1000 blocks is refused', () => {
    expect(loadCrawlerConfig({ ...base, CRAWLER_CATCHUP_GROUP_BLOCKS: '1' })).toMatchObject({
      CRAWLER_CATCHUP_GROUP_BLOCKS: 1,
    });
    expect(() => loadCrawlerConfig({ ...base, CRAWLER_CATCHUP_GROUP_BLOCKS: '0' })).toThrow(
      /CRAWLER_CATCHUP_GROUP_BLOCKS/,
    );
    expect(() => loadCrawlerConfig({ ...base, CRAWLER_CATCHUP_GROUP_BLOCKS: '1001' })).toThrow(
      /CRAWLER_CATCHUP_GROUP_BLOCKS: must be 1000 or less/,
    );
    expect(() => loadCrawlerConfig({ ...base, CRAWLER_CATCHUP_BEHIND_BLOCKS: '0' })).toThrow(
      /CRAWLER_CATCHUP_BEHIND_BLOCKS/,
    );
  });

  it('requires a start height off regtest', () => {
    expect(() => loadCrawlerConfig({ ...base, BITCOIN_NETWORK: 'mainnet' })).toThrow(
      /^invalid configuration: CRAWLER_START_HEIGHT: is required on mainnet/,
    );
    expect(
      loadCrawlerConfig({ ...base, BITCOIN_NETWORK: 'mainnet', CRAWLER_START_HEIGHT: '840000' }),
    ).toMatchObject({
      CRAWLER_START_HEIGHT: 840000,
    });
  });

  it('refuses a mainnet start at or below the BIP 30 duplicate coinbases, not elsewhere', () => {
    const mainnet = (height: string) =>
      loadCrawlerConfig({ ...base, BITCOIN_NETWORK: 'mainnet', CRAWLER_START_HEIGHT: height });
    expect(() => mainnet('91880')).toThrow(
      /^invalid configuration: CRAWLER_START_HEIGHT: must be above 91880 on mainnet: .*BIP 30.*\(got 91880\)$/,
    );
    expect(() => mainnet('0')).toThrow(/must be above 91880/);
    expect(mainnet('91881')).toMatchObject({ CRAWLER_START_HEIGHT: 91881 });
    expect(
      loadCrawlerConfig({ ...base, BITCOIN_NETWORK: 'testnet', CRAWLER_START_HEIGHT: '0' }),
    ).toMatchObject({ CRAWLER_START_HEIGHT: 0 });
  });

  it('names the variable that is wrong, in one line', () => {
    expect(() => loadCrawlerConfig({ ...base, CRAWLER_POLL_INTERVAL_MS: 'soon' })).toThrow(
      'invalid configuration: CRAWLER_POLL_INTERVAL_MS: must be a whole number (got "soon")',
    );
    expect(() => loadCrawlerConfig({ ...base, BITCOIND_ZMQ_SEQUENCE: 'localhost:28332' })).toThrow(
      /BITCOIND_ZMQ_SEQUENCE: must be a ZMQ endpoint/,
    );
  });
});
