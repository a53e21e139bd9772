/** What the UI keeps of an Event (events.k8s.io/v1): who it is about and what it says. */
import type { KubeObjectLike } from '../kube/kube-client.ts';
import type { UiEvent } from './ui-sources.ts';

export interface EventObject extends KubeObjectLike {
  regarding?: { kind?: string; name?: string; namespace?: string };
  ui: UiEvent;
}

interface RawEvent extends KubeObjectLike {
  regarding?: { kind?: string; name?: string; namespace?: string };
  reason?: string;
  note?: string;
  type?: string;
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string };
  deprecatedCount?: number;
  deprecatedLastTimestamp?: string | null;
  deprecatedFirstTimestamp?: string | null;
}

export function projectEvent(obj: KubeObjectLike): EventObject {
  const raw = obj as RawEvent;
  const m = raw.metadata;
  const regarding = { kind: raw.regarding?.kind, name: raw.regarding?.name, namespace: raw.regarding?.namespace };
  const time = raw.series?.lastObservedTime ?? raw.deprecatedLastTimestamp ?? raw.eventTime ?? raw.deprecatedFirstTimestamp ?? (m.creationTimestamp as string | undefined) ?? '';
  return {
    apiVersion: raw.apiVersion,
    kind: raw.kind,
    metadata: { name: m.name, namespace: m.namespace, resourceVersion: m.resourceVersion },
    regarding,
    ui: {
      type: raw.type ?? 'Normal',
      reason: raw.reason ?? '',
      note: raw.note ?? '',
      time,
      count: raw.series?.count ?? raw.deprecatedCount ?? 1,
      regarding: `${regarding.kind ?? ''}/${regarding.name ?? ''}`,
      namespace: regarding.namespace ?? '',
    },
  };
}
