import { dump } from 'js-yaml';
import { GROUP } from './api-group.ts';
import { crdFor } from './crd.ts';
import { kinds } from './index.ts';

const HEADER = '# Generated from src/resources by `npm run crds`. Do not edit.\n';

/** File name -> YAML text of every CRD, in the form crds/ holds them. */
export function renderCrdFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const def of kinds) {
    files.set(`${GROUP}_${def.plural}.yaml`, HEADER + dump(crdFor(def), { noRefs: true, lineWidth: 120, sortKeys: false }));
  }
  return files;
}
