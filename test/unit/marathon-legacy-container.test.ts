import { describe, expect, test } from 'vitest';
import { legacyContainer } from '../../src/marathon/marathon-legacy-container.ts';
import { translateService } from '../../src/marathon/translate-service.ts';
import type { DcosServiceSpec } from '../../src/resources/dcos-service.ts';
import { service } from './marathon-builders.ts';

/* Marathon 0.6's Deimos container form runs its image, as it did. */

describe('container.image (Marathon before 0.7, Deimos)', () => {
  test('"docker:///IMAGE" runs IMAGE, with a warning naming the field; no unknown-field warning besides', () => {
    const r = translateService(service({ id: 'redis', container: { image: 'docker:///mrunalp/fedora-redis' } } as unknown as DcosServiceSpec, 'redis'), { defaultImage: 'debian:12-slim' });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.workload.spec.template.spec.containers[0]!.image).toBe('mrunalp/fedora-redis');
    expect(r.warnings.filter((w) => w.path.startsWith('spec.container'))).toEqual([{ path: 'spec.container.image', message: expect.stringMatching(/is container\.docker\.image "mrunalp\/fedora-redis"/) }]);
  });

  test('options are ignored with a warning that names them', () => {
    const { notices } = legacyContainer({ container: { image: 'docker://redis', options: ['--privileged'] } } as unknown as DcosServiceSpec);
    expect(notices.map((n) => n.path)).toEqual(['spec.container.image', 'spec.container.options']);
  });

  test('container.docker.image, when given, decides; the spec is left as it is', () => {
    const spec = { container: { image: 'docker:///old', docker: { image: 'new' } } } as unknown as DcosServiceSpec;
    expect(legacyContainer(spec)).toEqual({ spec, notices: [] });
  });
});
