import { z } from 'zod';
import { CATEGORY, GROUP, VERSION } from './api-group.ts';
import type { KindDefinition } from './kind-definition.ts';

type JsonSchema = { [key: string]: unknown };

/** JSON Schema noise that zod emits and a structural CRD schema must not (or need not) carry. */
const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

/**
 * Turns zod's JSON Schema into a structural schema the apiserver accepts: every node has a type,
 * no `additionalProperties: false` (pruning already drops unknown fields), no unions. Nullable
 * fields (zod's `.nullable()`/`.nullish()`) keep zod's `nullable: true`; loose objects keep unknown fields. A union that
 * slips in fails here, naming its path, so the zod schema gets fixed rather than the CRD loosened.
 */
export function toStructural(schema: JsonSchema, path = ''): JsonSchema {
  const out: JsonSchema = {};
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  for (const [key, value] of Object.entries(schema)) {
    switch (key) {
      case '$schema':
      case 'id':
        continue;
      case 'anyOf':
      case 'oneOf':
      case 'allOf':
        if (!preserve && !schema['x-kubernetes-int-or-string']) {
          throw new Error(`${path || '<root>'}: ${key} cannot be expressed in a structural CRD schema; mark it x-kubernetes-preserve-unknown-fields or reshape it`);
        }
        continue;
      case 'additionalProperties':
        if (value === false || preserve) continue;
        // A loose zod object (unknown keys allowed, as z.looseObject): the apiserver keeps unknown
        // fields beside the declared ones instead of pruning them (or refusing them in server-side apply).
        if (typeof value === 'object' && value !== null && Object.keys(value).length === 0) {
          if (schema.properties !== undefined) out['x-kubernetes-preserve-unknown-fields'] = true;
          continue;
        }
        out[key] = toStructural(value as JsonSchema, `${path}[*]`);
        continue;
      case 'properties': {
        const props = value as Record<string, JsonSchema>;
        if (preserve && Object.keys(props).length === 0) continue;
        out[key] = Object.fromEntries(Object.entries(props).map(([name, sub]) => [name, toStructural(sub, `${path}.${name}`)]));
        continue;
      }
      case 'items':
        out[key] = toStructural(value as JsonSchema, `${path}[]`);
        continue;
      case 'maximum':
        if (value === SAFE_INTEGER) continue;
        break;
      case 'minimum':
        if (value === -SAFE_INTEGER) continue;
        break;
    }
    out[key] = value;
  }
  if (out.type === undefined && !preserve && !out['x-kubernetes-int-or-string']) {
    throw new Error(`${path || '<root>'}: has no type; give the zod schema a concrete type`);
  }
  return out;
}

export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'throw' }) as JsonSchema;
}

/** The CustomResourceDefinition of one kind, as written to crds/. */
export function crdFor(def: KindDefinition): JsonSchema {
  const spec = toStructural(jsonSchemaOf(def.spec), '.spec');
  const status = toStructural(jsonSchemaOf(def.status), '.status');
  const subresources: JsonSchema = { status: {} };
  if (def.scale) subresources.scale = { ...def.scale };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${def.plural}.${GROUP}`,
      labels: { 'app.kubernetes.io/part-of': 'dcos-operator' },
    },
    spec: {
      group: GROUP,
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.singular,
        shortNames: def.shortNames,
        categories: [CATEGORY],
      },
      scope: def.scope,
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: def.description,
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string', description: 'The versioned schema of this object: dcos.dev/v1alpha1.' },
                kind: { type: 'string', description: `The kind of this object: ${def.kind}.` },
                metadata: { type: 'object' },
                spec,
                status,
              },
            },
          },
          subresources,
          additionalPrinterColumns: def.printerColumns.map((c) => ({ ...c })),
        },
      ],
    },
  };
}
