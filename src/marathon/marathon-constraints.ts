import type { Affinity, LabelSelectorRequirement, PodAffinityTerm, TopologySpreadConstraint } from './kube-objects.ts';
import type { FieldError, Notice } from './field-errors.ts';
import { describeValue } from './field-errors.ts';
import { isLabelValue, isQualifiedName } from './kube-names.ts';
import { expandRegex } from './marathon-regex-values.ts';

/*
 * Marathon constraints ([field, operator, value?]) onto scheduling. Fields: hostname / @hostname is the
 * node name label kubernetes.io/hostname; zone / @zone and region / @region are the well-known topology
 * labels; any other Mesos attribute is the node label of the same name. Every constraint Marathon
 * accepted runs: exactly where Kubernetes can express it, else with a notice saying what differs.
 * Only what Marathon itself refused (an unknown operator, a count that is no number) is an error.
 *
 * MAX_PER n is exact for any n: a topology spread constraint whose minDomains exceeds any possible
 * number of nodes makes the scheduler take the global minimum as 0, so its skew check becomes
 * "pods of the app on this value + 1 <= n", a hard cap per value.
 */

export const CONSTRAINT_OPERATORS = ['UNIQUE', 'CLUSTER', 'GROUP_BY', 'LIKE', 'UNLIKE', 'MAX_PER', 'IS'] as const;

/** More topology domains (nodes, zones) than any cluster has (int32 max): see MAX_PER above. */
export const UNREACHABLE_MIN_DOMAINS = 2147483647;

export interface Placement {
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  topologySpreadConstraints?: TopologySpreadConstraint[];
  errors: FieldError[];
  notices: Notice[];
}

/** The node label a Marathon constraint field reads, or undefined when the field cannot be a label key. */
export function nodeLabelForField(field: string): string | undefined {
  switch (field) {
    case 'hostname':
    case '@hostname':
      return 'kubernetes.io/hostname';
    case 'zone':
    case '@zone':
      return 'topology.kubernetes.io/zone';
    case 'region':
    case '@region':
      return 'topology.kubernetes.io/region';
    default:
      return isQualifiedName(field) ? field : undefined;
  }
}

function positiveInt(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) && Number(value) >= 1 ? Number(value) : undefined;
}

/** Whether Marathon (Java's regex syntax, close to JavaScript's for what constraints use) accepts it. */
function isRegex(value: string): boolean {
  try {
    new RegExp(`^(?:${value})$`);
    return true;
  } catch {
    return false;
  }
}

/** The scheduling that enforces `constraints` for the pods selected by `ownPods`. */
export function translateConstraints(constraints: unknown[][] | undefined, ownPods: Record<string, string>): Placement {
  const errors: FieldError[] = [];
  const notices: Notice[] = [];
  const nodeSelector: Record<string, string> = {};
  const required: LabelSelectorRequirement[] = [];
  const antiAffinity: PodAffinityTerm[] = [];
  const affinity: PodAffinityTerm[] = [];
  const spread: TopologySpreadConstraint[] = [];
  const self = (topologyKey: string): PodAffinityTerm => ({ labelSelector: { matchLabels: { ...ownPods } }, topologyKey });
  const requireLabel = (key: string) => {
    // Marathon refuses agents that lack the attribute (only UNLIKE accepts them).
    if (key !== 'kubernetes.io/hostname' && !required.some((r) => r.key === key && r.operator === 'Exists')) required.push({ key, operator: 'Exists' });
  };

  (constraints ?? []).forEach((c, i) => {
    const path = `spec.constraints[${i}]`;
    const [field, operator, value] = c;
    if (c.length < 2 || c.length > 3 || c.some((part) => typeof part !== 'string')) {
      errors.push({ path, message: `expected [field, operator] or [field, operator, value] of strings, got ${JSON.stringify(c)}` });
      return;
    }
    const f = field as string;
    const v = value as string | undefined;
    const key = nodeLabelForField(f);
    if (key === undefined) {
      errors.push({ path: `${path}[0]`, message: `expected hostname, @zone, @region or an attribute name that is a valid node label key, got ${describeValue(f)}` });
      return;
    }
    const noNodeMatches = () => {
      // A label both present and absent: no node satisfies it.
      required.push({ key, operator: 'Exists' }, { key, operator: 'DoesNotExist' });
    };
    const exactValue = (): string | undefined => {
      if (v === undefined || v === '') {
        errors.push({ path: `${path}[2]`, message: `expected a value for ${String(operator)}` });
        return undefined;
      }
      if (!isLabelValue(v)) {
        // Marathon accepted any string; no agent attribute held it, so the tasks stayed staged. Same here.
        noNodeMatches();
        notices.push({
          path: `${path}[2]`,
          message: `no node can run the tasks: a node label cannot hold ${describeValue(v)} (at most 63 letters, digits, '-', '_', '.'), so no node's ${f} matches it and the tasks stay pending, as Marathon's stayed staged when no agent's ${f} was ${describeValue(v)}`,
        });
        return undefined;
      }
      return v;
    };
    const pin = (val: string) => {
      const existing = nodeSelector[key];
      if (existing !== undefined && existing !== val) {
        // Marathon accepted it and never found an agent with both values: the same, a pod that stays Pending.
        required.push({ key, operator: 'In', values: [val] });
        notices.push({ path, message: `no node can run the tasks: ${f} would have to be both ${JSON.stringify(existing)} and ${JSON.stringify(val)} (as in Marathon, the tasks stay staged)` });
        return;
      }
      nodeSelector[key] = val;
    };

    switch (operator) {
      case 'UNIQUE':
        if (v !== undefined && v !== '') errors.push({ path: `${path}[2]`, message: `expected no value for UNIQUE, got ${describeValue(v)}` });
        antiAffinity.push(self(key));
        requireLabel(key);
        break;
      case 'CLUSTER':
        if (v === undefined || v === '') {
          // The first pod may go anywhere; the scheduler lets a pod match its own affinity term.
          affinity.push(self(key));
          requireLabel(key);
        } else {
          const val = exactValue();
          if (val !== undefined) pin(val);
        }
        break;
      case 'IS': {
        const val = exactValue();
        if (val !== undefined) pin(val);
        break;
      }
      case 'GROUP_BY': {
        const n = v === undefined || v === '' ? undefined : positiveInt(v);
        if (v !== undefined && v !== '' && n === undefined) {
          errors.push({ path: `${path}[2]`, message: `expected the number of distinct ${f} values as a positive integer, got ${describeValue(v)}` });
          break;
        }
        spread.push({
          maxSkew: 1,
          topologyKey: key,
          whenUnsatisfiable: 'DoNotSchedule',
          labelSelector: { matchLabels: { ...ownPods } },
          ...(n !== undefined ? { minDomains: n } : {}),
        });
        break;
      }
      case 'MAX_PER': {
        const n = positiveInt(v);
        if (n === undefined) {
          errors.push({ path: `${path}[2]`, message: `expected the largest number of tasks per ${f} value as a positive integer, got ${describeValue(v)}` });
        } else if (n === 1) {
          antiAffinity.push(self(key));
          requireLabel(key);
        } else {
          spread.push({ maxSkew: n, topologyKey: key, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { ...ownPods } }, minDomains: UNREACHABLE_MIN_DOMAINS });
          requireLabel(key);
        }
        break;
      }
      case 'LIKE':
      case 'UNLIKE': {
        if (v === undefined || v === '') {
          errors.push({ path: `${path}[2]`, message: `expected a regular expression for ${operator}` });
          break;
        }
        if (v === '.*' || v === '.+') {
          required.push({ key, operator: operator === 'LIKE' ? 'Exists' : 'DoesNotExist' });
          break;
        }
        const values = expandRegex(v);
        if (values === undefined) {
          if (!isRegex(v)) {
            errors.push({ path: `${path}[2]`, message: `expected a regular expression, got ${describeValue(v)}` });
            break;
          }
          // Node affinity matches listed values only; an open-ended pattern cannot be listed.
          if (operator === 'LIKE') requireLabel(key);
          notices.push({
            path: `${path}[2]`,
            message: `not enforced: node affinity matches listed values (like "rack-1|rack-2" or "rack-[1-3]", with "." escaped as "\\."), not the pattern ${describeValue(v)}; the tasks may run on nodes whose ${f} ${operator === 'LIKE' ? 'does not match' : 'matches'} it`,
          });
          break;
        }
        // Values no node label can hold match no node: LIKE cannot pick them, UNLIKE need not exclude them.
        const bad = values.filter((x) => !isLabelValue(x) || x === '');
        const good = values.filter((x) => !bad.includes(x));
        if (bad.length > 0) {
          const none = operator === 'LIKE' && good.length === 0;
          notices.push({
            path: `${path}[2]`,
            message: `${bad.map((b) => JSON.stringify(b)).join(', ')}: no node label can hold ${bad.length > 1 ? 'these' : 'this'}, so no node's ${f} matches ${bad.length > 1 ? 'them' : 'it'}${none ? '; no node can run the tasks, they stay pending (staged, as on Marathon when no agent matched)' : ''}`,
          });
        }
        if (good.length > 0) required.push({ key, operator: operator === 'LIKE' ? 'In' : 'NotIn', values: good.sort() });
        else if (operator === 'LIKE') noNodeMatches();
        break;
      }
      default:
        errors.push({ path: `${path}[1]`, message: `expected one of ${CONSTRAINT_OPERATORS.join(', ')}, got ${describeValue(operator)}` });
    }
  });

  const out: Placement = { errors, notices };
  if (Object.keys(nodeSelector).length > 0) out.nodeSelector = nodeSelector;
  const a: Affinity = {};
  if (required.length > 0) a.nodeAffinity = { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: required }] } };
  if (affinity.length > 0) a.podAffinity = { requiredDuringSchedulingIgnoredDuringExecution: affinity };
  if (antiAffinity.length > 0) a.podAntiAffinity = { requiredDuringSchedulingIgnoredDuringExecution: antiAffinity };
  if (Object.keys(a).length > 0) out.affinity = a;
  if (spread.length > 0) out.topologySpreadConstraints = spread;
  return out;
}
