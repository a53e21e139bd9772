// `npm run render -- <package>`: what `dcos package describe --render` showed, as DcosService YAML.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { dump } from 'js-yaml';
import { renderDcosPackage } from './package-render.ts';
import type { NamedRepository } from './package-resolve.ts';
import { fetchRepositoryIndex } from './repository-source.ts';
import { parseJson } from './json-location.ts';
import { readUniverseTree } from './universe-tree.ts';
import { isJsonObject } from './universe-result.ts';
import { translateService } from '../marathon/translate-service.ts';
import { defaultOperatorConfig } from '../operator/operator-config.ts';

const defaultRepository = fileURLToPath(new URL('../../packages/', import.meta.url));

function die(message: string): never {
  process.stderr.write(`render: ${message}\n`);
  process.exit(1);
}

const program = new Command()
  .name('npm run render --')
  .description('Render a Universe package to the DcosService manifests it installs, without installing it.')
  .argument('<packageName>', 'the package, as `dcos package install NAME`')
  .option('--version <version>', 'package version (default: the newest)')
  .option('--options <file>', 'a JSON file of install options, as `dcos package install --options`')
  .option('--app-id <id>', 'install under this Marathon app id')
  .option('-n, --namespace <namespace>', 'namespace of the DcosServices', 'default')
  .option('--repo <dirOrUrl...>', 'Universe source trees or index URLs, searched in the order given', [defaultRepository])
  .option('--notes', 'print the package\'s pre/post-install notes to stderr')
  .parse();

const [packageName] = program.args as [string];
const flags = program.opts<{ version?: string; options?: string; appId?: string; namespace: string; repo: string[]; notes?: boolean }>();

let options: Record<string, unknown> | undefined;
if (flags.options !== undefined) {
  const text = await readFile(flags.options, 'utf8').catch((error: Error) => die(`cannot read ${flags.options}: ${error.message}`));
  const parsed = parseJson(text, flags.options);
  if (!parsed.ok) die(parsed.error.message);
  if (!isJsonObject(parsed.value)) die(`${flags.options}: the options must be a JSON object`);
  options = parsed.value;
}

const repositories: NamedRepository[] = [];
for (const [priority, location] of flags.repo.entries()) {
  const index = /^https?:\/\//.test(location) ? await fetchRepositoryIndex(location) : await readUniverseTree(location);
  if (!index.ok) die(`${index.error.reason}: ${index.error.message}`);
  for (const problem of index.value.problems) process.stderr.write(`render: skipped in ${location}: ${problem}\n`);
  repositories.push({ name: location, priority, index: index.value });
}

const rendered = renderDcosPackage(
  {
    apiVersion: 'dcos.dev/v1alpha1',
    kind: 'DcosPackage',
    metadata: { name: packageName, namespace: flags.namespace },
    spec: {
      packageName,
      ...(flags.version !== undefined && { packageVersion: flags.version }),
      ...(options !== undefined && { options }),
      ...(flags.appId !== undefined && { appId: flags.appId }),
    },
  },
  repositories,
);
if (!rendered.ok) die(`${rendered.error.reason}: ${rendered.error.message}`);
if (flags.notes) {
  if (rendered.value.preInstallNotes) process.stderr.write(`pre-install notes: ${rendered.value.preInstallNotes}\n`);
  if (rendered.value.postInstallNotes) process.stderr.write(`post-install notes: ${rendered.value.postInstallNotes}\n`);
}
process.stdout.write(rendered.value.services.map((s) => dump(s, { noRefs: true, lineWidth: -1 })).join('---\n'));
// The judgement admission and the controller make of each service (with the operator's default image).
let refused = false;
for (const service of rendered.value.services) {
  const judged = translateService(service, { defaultImage: defaultOperatorConfig().defaultImage });
  for (const w of judged.warnings) process.stderr.write(`render: ${service.metadata.name}: Warning: ${w.path}: ${w.message}\n`);
  for (const e of judged.errors) process.stderr.write(`render: ${service.metadata.name}: refused: ${e.path}: ${e.message}\n`);
  refused ||= !judged.ok;
}
if (refused) process.exit(1);
