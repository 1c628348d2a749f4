import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

describe('TESSERA_MFA_* lockout configuration', () => {
  it('defaults: device 5 / 5 min → 15 min, user 20 / 15 min → 15 min, doubling up to 4 h', () => {
    expect(loadConfig({}).mfaThrottle).toEqual({
      device: { maxFailures: 5, windowSeconds: 300, lockSeconds: 900, maxLockSeconds: 14_400 },
      user: { maxFailures: 20, windowSeconds: 900, lockSeconds: 900, maxLockSeconds: 14_400 },
    });
  });

  it('reads every key and refuses a cap below a lock duration or a zero limit', () => {
    const c = loadConfig({
      TESSERA_MFA_DEVICE_MAX_FAILURES: '3',
      TESSERA_MFA_DEVICE_WINDOW_SECONDS: '60',
      TESSERA_MFA_DEVICE_LOCK_SECONDS: '120',
      TESSERA_MFA_USER_MAX_FAILURES: '10',
      TESSERA_MFA_USER_WINDOW_SECONDS: '600',
      TESSERA_MFA_USER_LOCK_SECONDS: '300',
      TESSERA_MFA_MAX_LOCK_SECONDS: '300',
    });
    expect(c.mfaThrottle).toEqual({
      device: { maxFailures: 3, windowSeconds: 60, lockSeconds: 120, maxLockSeconds: 300 },
      user: { maxFailures: 10, windowSeconds: 600, lockSeconds: 300, maxLockSeconds: 300 },
    });
    let e: unknown;
    try {
      loadConfig({ TESSERA_MFA_DEVICE_LOCK_SECONDS: '20000', TESSERA_MFA_USER_MAX_FAILURES: '0' });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(ConfigError);
    const problems = (e as ConfigError).problems.join('\n');
    expect(problems).toContain('TESSERA_MFA_USER_MAX_FAILURES');
    expect(loadConfigProblems({ TESSERA_MFA_DEVICE_LOCK_SECONDS: '20000' })).toEqual([
      'TESSERA_MFA_MAX_LOCK_SECONDS: must be at least TESSERA_MFA_DEVICE_LOCK_SECONDS and TESSERA_MFA_USER_LOCK_SECONDS (20000)',
    ]);
  });
});

function loadConfigProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (e) {
    return (e as ConfigError).problems;
  }
}
