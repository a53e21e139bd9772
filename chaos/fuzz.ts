// `npm run chaos -- fuzz [runs]`: the property-based tests of npm test, at 100,000 generated inputs each.
import fc from 'fast-check';
import { translationProperty, type TranslationTally } from '../test/support/fuzz/marathon-translation-property.ts';
import { renderProperty, type RenderTally } from '../test/support/fuzz/universe-render-property.ts';

export async function fuzz(args: string[]): Promise<void> {
  const runs = Number(args[0] ?? 100_000);
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
  console.log(`fuzz: ${runs} inputs per property, seed ${seed} (FUZZ_SEED=${seed} repeats this run)`);

  let t0 = Date.now();
  const translations: TranslationTally = { translated: 0, refused: 0 };
  fc.assert(translationProperty(translations), { numRuns: runs, seed });
  console.log(`  Marathon translation: ${runs} apps in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${translations.translated} translated, ${translations.refused} refused naming a spec field, 0 exceptions`);

  t0 = Date.now();
  const renders: RenderTally = { rendered: 0, refused: 0, services: 0, reasons: {} };
  fc.assert(renderProperty(renders), { numRuns: runs, seed });
  const reasons = Object.entries(renders.reasons).map(([r, n]) => `${r} ${n}`).join(', ');
  console.log(`  Universe rendering: ${runs} packages in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${renders.rendered} rendered (${renders.services} DcosServices, all in their namespace), ${renders.refused} refused (${reasons}), 0 exceptions`);
}
