import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientRateLimiter } from './client.rate-limiter';

describe('ClientRateLimiter', () => {
  test('a burst, then the rate; each client has its own bucket', () => {
    let now = 0;
    const limiter = new ClientRateLimiter(10, 5, 100, () => now);
    const sent = (client: string, n: number) => Array.from({ length: n }, () => limiter.allow(client)).filter(Boolean).length;
    assert.equal(sent('10.0.0.1', 20), 5);
    assert.equal(sent('10.0.0.2', 3), 3);
    now += 500; // half a second: 5 more tokens
    assert.equal(sent('10.0.0.1', 20), 5);
    now += 10_000; // never more than the burst
    assert.equal(sent('10.0.0.1', 20), 5);
  });

  test('memory is bounded: the least recently seen client is forgotten', () => {
    const limiter = new ClientRateLimiter(1, 1, 3, () => 0);
    for (let i = 0; i < 1000; i++) limiter.allow(`10.0.${i >> 8}.${i & 255}`);
    assert.equal(limiter.size, 3);
  });
});
