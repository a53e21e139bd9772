import type { z } from 'zod';
import { kinds } from '../resources/index.ts';
import { translateService } from '../marathon/index.ts';
import type { DcosService, DcosServiceSpec } from '../resources/dcos-service.ts';
import { zodProblems, type FieldProblem } from './admission-review.ts';

interface ObjectLike {
  metadata?: { name?: string; namespace?: string };
  spec?: unknown;
}

/** What admission says of an object: problems refuse it, warnings admit it with `Warning: ...` lines. */
export interface Verdict {
  problems: FieldProblem[];
  warnings: FieldProblem[];
}

/** Rules a schema cannot say, per kind, run only once the spec has the schema's shape. */
export type ExtraRules = (spec: unknown, obj: ObjectLike) => FieldProblem[] | Promise<FieldProblem[]>;
/** A rule that also warns. */
export type VerdictRule = (spec: unknown, obj: ObjectLike) => Verdict | Promise<Verdict>;

/**
 * Admission judges an app by the very translation the controller runs (one pass: objects, warnings,
 * errors), with the operator's default image: an app that names none (a plain Marathon `cmd` app)
 * runs, so it is admitted.
 */
const marathonRules = (defaultImage: string | undefined): VerdictRule => (spec, obj) => {
  const name = typeof obj.metadata?.name === 'string' && obj.metadata.name !== '' ? obj.metadata.name : 'app';
  const namespace = typeof obj.metadata?.namespace === 'string' ? obj.metadata.namespace : undefined;
  const svc: DcosService = { apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosService', metadata: { name, ...(namespace ? { namespace } : {}) }, spec: spec as DcosServiceSpec };
  const result = translateService(svc, { defaultImage });
  return { problems: result.errors, warnings: result.warnings };
};

/** No DC/OS definition comes near this; far deeper ones would exhaust the stack of recursive rules. */
export const MAX_SPEC_DEPTH = 64;

/** The path where a value first nests deeper than `limit`, found without recursion. */
export function tooDeepAt(value: unknown, prefix: string, limit = MAX_SPEC_DEPTH): string | undefined {
  const stack: Array<[unknown, string, number]> = [[value, prefix, 0]];
  while (stack.length > 0) {
    const [v, path, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= limit) return path;
    if (Array.isArray(v)) v.forEach((item, i) => stack.push([item, `${path}[${i}]`, depth + 1]));
    else for (const [k, item] of Object.entries(v)) stack.push([item, `${path}.${k}`, depth + 1]);
  }
  return undefined;
}

/**
 * The validation of one kind: its zod schema first (types, required fields, ranges), then its
 * own rules. Both speak in field paths from the object's root (`spec.cpus`).
 */
export class KindValidator {
  readonly kind: string;
  private readonly schema: z.ZodType;
  private readonly rules: Array<ExtraRules | VerdictRule>;

  constructor(kind: string, schema: z.ZodType, rules: Array<ExtraRules | VerdictRule> = []) {
    this.kind = kind;
    this.schema = schema;
    this.rules = rules;
  }

  /** The problems that refuse the object (none: admitted). */
  async validate(obj: unknown): Promise<FieldProblem[]> {
    return (await this.judge(obj)).problems;
  }

  /** Problems and warnings: what the validating webhook answers. */
  async judge(obj: unknown): Promise<Verdict> {
    const refuse = (problems: FieldProblem[]): Verdict => ({ problems, warnings: [] });
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return refuse([{ path: '<root>', message: 'expected an object' }]);
    const o = obj as ObjectLike;
    if (o.spec === undefined) return refuse([{ path: 'spec', message: 'expected an object, got nothing' }]);
    const parsed = this.schema.safeParse(o.spec);
    if (!parsed.success) return refuse(zodProblems('spec', parsed.error));
    // Schemaless fields (env values, checks) may hold anything; keep the recursive rules off absurd depths.
    const deep = tooDeepAt(o.spec, 'spec');
    if (deep !== undefined) return refuse([{ path: deep.slice(0, 256), message: `expected at most ${MAX_SPEC_DEPTH} levels of nesting in spec` }]);
    const verdict: Verdict = { problems: [], warnings: [] };
    for (const rule of this.rules) {
      const out = await rule(parsed.data, o);
      // Not push(...list): a rule's list can be longer than a call's arguments may be.
      const { problems, warnings } = Array.isArray(out) ? { problems: out, warnings: [] } : out;
      for (const p of problems) verdict.problems.push(p);
      for (const w of warnings) verdict.warnings.push(w);
    }
    return verdict;
  }
}

/**
 * One validator per kind; DcosPackage options against the package's config.json join when the package
 * is known. `defaultImage` is the operator's (--default-image): without it an image-less app is refused.
 */
export function kindValidators(extra: Partial<Record<string, ExtraRules[]>> = {}, opts: { defaultImage?: string } = {}): Map<string, KindValidator> {
  const builtIn: Record<string, VerdictRule[]> = { DcosService: [marathonRules(opts.defaultImage)] };
  return new Map(kinds.map((k) => [k.kind, new KindValidator(k.kind, k.spec, [...(builtIn[k.kind] ?? []), ...(extra[k.kind] ?? [])])]));
}
