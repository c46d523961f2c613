import { describe, expect, it } from 'vitest';
import { isBlockNotification } from './zmqWakeups.js';

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
