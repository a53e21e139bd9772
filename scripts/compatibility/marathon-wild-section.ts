import { resolveDependencies } from '../../src/marathon/index.ts';
import { defaultOperatorConfig } from '../../src/operator/operator-config.ts';
import { kindValidators } from '../../src/webhooks/kind-validators.ts';
import { marathonWildApps, type WildApp } from '../../test/support/marathon-wild.ts';
import type { Row, Section } from './compatibility-report.ts';

/** What admission says of one app of the corpus (the operator's default image, as deployed). */
export async function judgeWildApp(app: WildApp): Promise<Row> {
  const base = { source: app.file, subject: app.appId };
  if (app.spec === undefined) return { ...base, outcome: 'refused', details: [`not JSON (Marathon's API refused it too): ${app.notJson}`] };
  const validator = kindValidators({}, { defaultImage: defaultOperatorConfig().defaultImage }).get('DcosService')!;
  const { problems, warnings } = await validator.judge({ metadata: { name: app.name, namespace: 'compatibility' }, spec: app.spec });
  if (problems.length > 0) return { ...base, outcome: 'refused', details: problems.map((p) => `${p.path}: ${p.message}`) };
  const deps = Array.isArray(app.spec.dependencies) ? resolveDependencies(app.appId, app.spec.dependencies as string[]) : [];
  const missing = deps.filter((d) => !app.siblings.includes(d));
  const details = [...warnings.map((w) => `${w.path}: ${w.message}`), ...(missing.length > 0 ? [`waits for ${missing.join(', ')} (not in the file), as Marathon would`] : [])];
  return { ...base, outcome: warnings.length > 0 ? 'converged with warnings' : 'converged', details };
}

export async function marathonWildSection(): Promise<Section> {
  const rows: Row[] = [];
  for (const app of marathonWildApps()) rows.push(await judgeWildApp(app));
  return {
    title: 'Marathon apps from public repositories (marathon-wild)',
    intro: 'About 50 Marathon app and group definitions from public GitHub repositories (the marathon-wild corpus, see its README; read in place), one row per app, judged with the operator\'s default image for apps that name none.',
    rows,
  };
}
