import { describe, expect, test } from 'vitest';
import { dependencyGate, resolveDependencies, type DependencyState } from '../../src/marathon/marathon-dependencies.ts';

const healthy: DependencyState = { instances: 2, tasksRunning: 2, health: 'Healthy' };

describe('dependencies', () => {
  test('relative ids resolve against the app\'s group', () => {
    expect(resolveDependencies('/prod/web/frontend', ['../db', 'cache', '/shared/queue', 'cache'])).toEqual(['/prod/db', '/prod/web/cache', '/shared/queue']);
  });

  test.each([
    ['no dependencies', [], {}, false, false, []],
    ['all healthy', ['/db'], { '/db': healthy }, false, false, []],
    ['running without health checks counts', ['/db'], { '/db': { instances: 1, tasksRunning: 1, health: 'NA' as const } }, false, false, []],
    ['a missing dependency', ['/db'], {}, false, true, ['/db (not found)']],
    ['an unhealthy one', ['/db', '/mq'], { '/db': healthy, '/mq': { instances: 1, tasksRunning: 1, health: 'Unhealthy' as const } }, false, true, ['/mq (unhealthy)']],
    ['one still starting', ['/db'], { '/db': { instances: 3, tasksRunning: 1, health: 'NA' as const } }, false, true, ['/db (1 of 3 tasks running)']],
    ['a suspended one', ['/db'], { '/db': { instances: 0, tasksRunning: 0, health: 'Idle' as const } }, false, true, ['/db (suspended (instances 0))']],
    ['an app already running is never held back', ['/db'], {}, true, false, []],
  ])('%s', (_name, deps, states, running, hold, waiting) => {
    const gate = dependencyGate(deps, new Map(Object.entries(states)), running);
    expect(gate.hold).toBe(hold);
    expect(gate.waitingFor.map((w) => `${w.appId} (${w.reason})`)).toEqual(waiting);
    if (hold) for (const w of waiting) expect(gate.message).toContain(w);
  });
});
