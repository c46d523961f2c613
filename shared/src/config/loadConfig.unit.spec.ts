import { describe, expect, it } from 'vitest';
import { kafkaBrokers, port, postgresUrl } from './fields.js';
import { ConfigError, loadConfig } from './loadConfig.js';

const shape = { ONLINE_DATABASE_URL: postgresUrl(), KAFKA_BROKERS: kafkaBrokers(), BFF_PORT: port(28080) };
const good = {
  ONLINE_DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
  KAFKA_BROKERS: '127.0.0.1:9092, h2:9093',
};

describe('loadConfig', () => {
  it('parses, defaults and freezes', () => {
    const config = loadConfig(shape, good);
    expect(config).toEqual({ ...good, KAFKA_BROKERS: ['127.0.0.1:9092', 'h2:9093'], BFF_PORT: 28080 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    [{ KAFKA_BROKERS: 'h:1' }, /^invalid configuration: ONLINE_DATABASE_URL: .* \(missing\)$/],
    [
      { ...good, ONLINE_DATABASE_URL: 'mysql://u:secret@h/db' },
      /ONLINE_DATABASE_URL: must start with postgres/,
    ],
    [{ ...good, KAFKA_BROKERS: 'nohost' }, /KAFKA_BROKERS: must be a comma-separated list of host:port/],
    [{ ...good, BFF_PORT: '70000' }, /BFF_PORT: must be a port number/],
    [{ ...good, BFF_PORT: 'abc' }, /BFF_PORT: must be a port number/],
  ])('names the bad variable in one line (%#)', (env, message) => {
    let caught: unknown;
    try {
      loadConfig(shape, env);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain('\n');
  });

  it('never echoes a password', () => {
    expect(() => loadConfig(shape, { ...good, ONLINE_DATABASE_URL: 'mysql://u:secret@h/db' })).toThrow(
      /mysql:\/\/u:\*\*\*@h\/db/,
    );
  });
});
