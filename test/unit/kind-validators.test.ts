import { describe, expect, it } from 'vitest';
import { kindValidators } from '../../src/webhooks/kind-validators.ts';

// A Marathon app with only a `cmd` ran on the agent's filesystem; admission must judge it as the
// controller will run it: with the operator's default image, or refused when there is none.
describe('DcosService admission and the default image', () => {
  const imageless = { apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosService', metadata: { name: 'plain', namespace: 'default' }, spec: { cmd: 'sleep 1000' } };

  it.each<[string, string | undefined, string[]]>([
    ['admitted with a default image', 'debian:12-slim', []],
    ['refused without one', undefined, ['spec.container.docker.image']],
    ['refused when the default is turned off with an empty image', '', ['spec.container.docker.image']],
  ])('an image-less app is %s', async (_case, defaultImage, paths) => {
    const problems = await kindValidators({}, { defaultImage }).get('DcosService')!.validate(imageless);
    expect(problems.map((p) => p.path)).toEqual(paths);
    if (paths.length > 0) expect(problems[0]!.message).toMatch(/^expected an image/);
  });

  it('still refuses what no image can fix', async () => {
    const problems = await kindValidators({}, { defaultImage: 'debian:12-slim' }).get('DcosService')!.validate({ ...imageless, spec: { cmd: 'sleep 1', args: ['x'] } });
    expect(problems.map((p) => p.path)).toContain('spec.args');
  });
});
