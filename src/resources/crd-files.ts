import { dump } from 'js-yaml';
import { GROUP } from './api-group.ts';
import { crdFor } from './crd.ts';
import { kinds } from './index.ts';

const HEADER = '# Generated from src/resources by `npm run crds`. Do not edit.\n';

/** The kustomization that lets deploy/ (or any overlay) take the CRDs as `../crds`. */
export const CRD_KUSTOMIZATION_FILE = 'kustomization.yaml';

/** File name -> YAML text of every CRD, and the kustomization listing them, in the form crds/ holds them. */
export function renderCrdFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const def of kinds) {
    files.set(`${GROUP}_${def.plural}.yaml`, HEADER + dump(crdFor(def), { noRefs: true, lineWidth: 120, sortKeys: false }));
  }
  const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...files.keys()].sort() };
  files.set(CRD_KUSTOMIZATION_FILE, HEADER + dump(kustomization, { lineWidth: 120 }));
  return files;
}
