// The files of deploy/ that come from code, so they cannot drift from it (a test fails when they differ).
// Written by `npm run crds` together with crds/; `node scripts/generate-deploy.ts` writes only these.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dump } from 'js-yaml';
import { webhookConfigurations } from '../src/webhooks/webhook-configurations.ts';

/** Namespace and Service of the operator as deploy/ installs it. */
export const DEPLOY_NAMESPACE = 'dcos-system';
export const WEBHOOK_SERVICE = 'dcos-operator-webhook';

const HEADER = '# Generated from src/webhooks/webhook-configurations.ts by `npm run crds`. Do not edit.\n';

/** File name (inside deploy/) -> YAML text. */
export function renderDeployFiles(): Map<string, string> {
  // No caBundle: the operator creates its CA and patches it in (or cert-manager injects it, see README).
  const configurations = webhookConfigurations({ service: { namespace: DEPLOY_NAMESPACE, name: WEBHOOK_SERVICE, port: 443 } });
  const text = configurations.map((doc) => dump(doc, { noRefs: true, lineWidth: 120, sortKeys: false })).join('---\n');
  return new Map([['webhook-configurations.yaml', HEADER + text]]);
}

export function writeDeployFiles(): void {
  const dir = new URL('../deploy/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of renderDeployFiles()) {
    writeFileSync(new URL(file, dir), text);
    console.log(`wrote deploy/${file}`);
  }
}

if (import.meta.main) writeDeployFiles();
