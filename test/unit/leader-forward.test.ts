import { describe, expect, it } from 'vitest';
import { advertisedHttpAddress } from '../../src/operator/leader-forward.ts';

describe('the address the leader writes on its Lease', () => {
  it('is the pod IP in a cluster, else the host it listens on, loopback for every address', () => {
    expect(advertisedHttpAddress('0.0.0.0', 8080, '10.244.1.7')).toBe('http://10.244.1.7:8080');
    expect(advertisedHttpAddress('0.0.0.0', 8080, 'fd00::7')).toBe('http://[fd00::7]:8080');
    expect(advertisedHttpAddress('0.0.0.0', 41234, undefined)).toBe('http://127.0.0.1:41234');
    expect(advertisedHttpAddress('::', 8080, '')).toBe('http://127.0.0.1:8080');
    expect(advertisedHttpAddress('192.168.1.20', 8080, undefined)).toBe('http://192.168.1.20:8080');
  });
});
