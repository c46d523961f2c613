import { describe, expect, it } from 'vitest';
import { isBlockNotification, parseMempoolChange } from './zmqWakeups.js';

const seq = (label: string) => Buffer.concat([Buffer.alloc(32, 1), Buffer.from(label), Buffer.alloc(8)]);

describe('isBlockNotification', () => {
  it('wakes on hashblock and on sequence block connects and disconnects', () => {
    expect(isBlockNotification('hashblock', Buffer.alloc(32))).toBe(true);
    expect(isBlockNotification('sequence', seq('C').subarray(0, 33))).toBe(true);
    expect(isBlockNotification('sequence', seq('D').subarray(0, 33))).toBe(true);
  });

  it('ignores mempool traffic and other topics', () => {
    expect(isBlockNotification('sequence', seq('A'))).toBe(false);
    expect(isBlockNotification('sequence', seq('R'))).toBe(false);
    expect(isBlockNotification('rawtx', Buffer.alloc(100))).toBe(false);
    expect(isBlockNotification('sequence', Buffer.alloc(3))).toBe(false);
  });
});

describe('parseMempoolChange', () => {
  it('reads the txid in display order and the little-endian mempool sequence number', () => {
    const body = Buffer.concat([
      Buffer.from('ab'.repeat(31) + 'cd', 'hex'),
      Buffer.from('A'),
      Buffer.alloc(8),
    ]);
    body.writeBigUInt64LE(258n, 33);
    expect(parseMempoolChange('sequence', body)).toEqual({
      kind: 'A',
      txid: 'ab'.repeat(31) + 'cd',
      sequence: 258,
    });
    body[32] = 'R'.charCodeAt(0);
    expect(parseMempoolChange('sequence', body)?.kind).toBe('R');
  });

  it('ignores block messages, other topics and short bodies', () => {
    expect(parseMempoolChange('sequence', seq('C').subarray(0, 33))).toBeUndefined();
    expect(parseMempoolChange('rawtx', seq('A'))).toBeUndefined();
    expect(parseMempoolChange('sequence', seq('A').subarray(0, 40))).toBeUndefined();
  });
});
