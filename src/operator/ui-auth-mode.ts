import { isIP } from 'node:net';
import type { OperatorConfig } from './operator-config.ts';

/** The UI shows cluster-wide figures: open without a token only when the port is bound to loopback. */
export function uiAuthMode(config: Pick<OperatorConfig, 'uiAuth' | 'metricsHost'>): 'token' | 'none' | 'off' {
  if (config.uiAuth !== 'auto') return config.uiAuth;
  return isLoopback(config.metricsHost) ? 'none' : 'token';
}

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}
