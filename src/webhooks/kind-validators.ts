import type { z } from 'zod';
import { kinds } from '../resources/index.ts';
import { validateMarathonApp } from '../marathon/index.ts';
import type { DcosServiceSpec } from '../resources/dcos-service.ts';
import { zodProblems, type FieldProblem } from './admission-review.ts';

interface ObjectLike {
  metadata?: { name?: string; namespace?: string };
  spec?: unknown;
}

/** Rules a schema cannot say, per kind, run only once the spec has the schema's shape. */
export type ExtraRules = (spec: unknown, obj: ObjectLike) => FieldProblem[] | Promise<FieldProblem[]>;

const marathonRules: ExtraRules = (spec, obj) => {
  const name = obj.metadata?.name;
  return validateMarathonApp(spec as DcosServiceSpec, { name: typeof name === 'string' ? name : undefined });
};

/**
 * The validation of one kind: its zod schema first (types, required fields, ranges), then its
 * own rules. Both speak in field paths from the object's root (`spec.cpus`).
 */
export class KindValidator {
  readonly kind: string;
  private readonly schema: z.ZodType;
  private readonly rules: ExtraRules[];

  constructor(kind: string, schema: z.ZodType, rules: ExtraRules[] = []) {
    this.kind = kind;
    this.schema = schema;
    this.rules = rules;
  }

  async validate(obj: unknown): Promise<FieldProblem[]> {
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return [{ path: '<root>', message: 'expected an object' }];
    const o = obj as ObjectLike;
    if (o.spec === undefined) return [{ path: 'spec', message: 'expected an object, got nothing' }];
    const parsed = this.schema.safeParse(o.spec);
    if (!parsed.success) return zodProblems('spec', parsed.error);
    const problems: FieldProblem[] = [];
    for (const rule of this.rules) problems.push(...(await rule(parsed.data, o)));
    return problems;
  }
}

/** One validator per kind; DcosPackage options against the package's config.json join when the package is known. */
export function kindValidators(extra: Partial<Record<string, ExtraRules[]>> = {}): Map<string, KindValidator> {
  const builtIn: Record<string, ExtraRules[]> = { DcosService: [marathonRules] };
  return new Map(kinds.map((k) => [k.kind, new KindValidator(k.kind, k.spec, [...(builtIn[k.kind] ?? []), ...(extra[k.kind] ?? [])])]));
}
