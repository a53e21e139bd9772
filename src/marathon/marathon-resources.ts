import type { DcosServiceSpec, MarathonResourceLimit } from '../resources/dcos-service.ts';
import type { ResourceRequirements } from './kube-objects.ts';
import type { FieldError } from './field-errors.ts';
import { describeValue } from './field-errors.ts';

/*
 * Marathon enforces what an app asks for: cpus is both the share and (without resourceLimits) the
 * CFS quota, mem is a hard cgroup limit. So requests = limits, unless resourceLimits raises a limit or
 * says "unlimited" (then no limit). disk (MiB) is ephemeral-storage, gpus the NVIDIA extended resource
 * (extended resources need requests = limits).
 */

export const GPU_RESOURCE = 'nvidia.com/gpu';

function millicores(cpus: number): string {
  return `${Math.max(1, Math.round(cpus * 1000))}m`;
}

function mebibytes(mib: number): string {
  return Number.isInteger(mib) ? `${mib}Mi` : String(Math.ceil(mib * 1024 * 1024));
}

function limitOf(value: MarathonResourceLimit | undefined, request: number, path: string, errors: FieldError[]): number | 'unlimited' | undefined {
  if (value === undefined) return request;
  if (value === 'unlimited') return 'unlimited';
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    errors.push({ path, message: `expected a number or "unlimited", got ${describeValue(value)}` });
    return undefined;
  }
  if (value < request) {
    errors.push({ path, message: `expected a limit of at least the request (${request}), got ${value}` });
    return undefined;
  }
  return value;
}

export function translateResources(spec: DcosServiceSpec): { resources: ResourceRequirements; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  const cpus = spec.cpus ?? 1;
  const mem = spec.mem ?? 128;
  requests.cpu = millicores(cpus);
  requests.memory = mebibytes(mem);
  const cpuLimit = limitOf(spec.resourceLimits?.cpus, cpus, 'spec.resourceLimits.cpus', errors);
  const memLimit = limitOf(spec.resourceLimits?.mem, mem, 'spec.resourceLimits.mem', errors);
  if (typeof cpuLimit === 'number') limits.cpu = millicores(cpuLimit);
  if (typeof memLimit === 'number') limits.memory = mebibytes(memLimit);
  if ((spec.disk ?? 0) > 0) {
    requests['ephemeral-storage'] = mebibytes(spec.disk!);
    limits['ephemeral-storage'] = mebibytes(spec.disk!);
  }
  if ((spec.gpus ?? 0) > 0) {
    requests[GPU_RESOURCE] = String(spec.gpus);
    limits[GPU_RESOURCE] = String(spec.gpus);
  }
  return { resources: { requests, ...(Object.keys(limits).length > 0 ? { limits } : {}) }, errors };
}
