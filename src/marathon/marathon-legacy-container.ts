import type { DcosServiceSpec } from '../resources/dcos-service.ts';
import type { Notice } from './field-errors.ts';

/*
 * Marathon before 0.7 ran Docker images through the Deimos containerizer: `"container": {"image":
 * "docker:///redis", "options": ["--privileged"]}`. Marathon 0.7 replaced it with container.docker;
 * the old form names the image as a URL. The translation reads it as container.docker.image (the app
 * then runs as it did), and warns; `options` (docker run flags Deimos passed through) are ignored with
 * a warning, since their mapping needs container.docker.parameters' key/value form.
 */

const DOCKER_URL = /^docker:\/{2,3}/;

/** `spec` with a pre-0.7 container image read as container.docker.image, and what was read. */
export function legacyContainer(spec: DcosServiceSpec): { spec: DcosServiceSpec; notices: Notice[] } {
  const container = spec.container as (Record<string, unknown> & NonNullable<DcosServiceSpec['container']>) | undefined;
  if (container === undefined || typeof container.image !== 'string' || container.docker?.image !== undefined) return { spec, notices: [] };
  const { image: url, options, ...rest } = container;
  const image = (url as string).replace(DOCKER_URL, '');
  const notices: Notice[] = [];
  if (image === '') return { spec, notices };
  notices.push({ path: 'spec.container.image', message: `mapped: Marathon 0.6's (Deimos) container image ${JSON.stringify(url)} is container.docker.image ${JSON.stringify(image)}; write that instead` });
  if (Array.isArray(options) && options.length > 0) {
    notices.push({ path: 'spec.container.options', message: `ignored: Deimos docker run flags ${JSON.stringify(options)}; write them as container.docker.parameters ({"key": "flag", "value": "..."})` });
  }
  return { spec: { ...spec, container: { ...rest, type: rest.type ?? 'DOCKER', docker: { ...rest.docker, image } } }, notices };
}
