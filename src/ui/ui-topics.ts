/** The pages' live views, as SseHub topics over the UI's sources. */
import { dashboardView, type DashboardView } from './dashboard-view.ts';
import type { History } from './history.ts';
import { nodeRow, nodesDelta, type NodeRow } from './nodes-view.ts';
import { serviceDetailView } from './service-detail-view.ts';
import { servicesView } from './services-view.ts';
import type { Topic } from './sse-hub.ts';
import type { UiSources } from './ui-sources.ts';

/** A view sent whole, and again only when it differs from what was sent. */
function wholeViewTopic(build: () => unknown, changes: string[]): Topic {
  let last = '';
  let lastView: unknown;
  return {
    // A later viewer gets what the others have; a change pending for them reaches it too.
    snapshot() {
      if (lastView === undefined) {
        lastView = build();
        last = JSON.stringify(lastView);
      }
      return lastView;
    },
    update() {
      const view = build();
      const json = JSON.stringify(view);
      if (json === last) return undefined;
      last = json;
      lastView = view;
      return view;
    },
    dependsOn: (change) => changes.includes(change),
  };
}

export function dashboardTopic(sources: UiSources, history: History): Topic {
  let lastT = -1;
  let last = '';
  let lastView: DashboardView | undefined;
  const view = () => dashboardView(sources.clusterStatus(), sources.services());
  return {
    // Samples past what the others were sent reach them at the next update; the page ignores repeats.
    snapshot() {
      if (lastView === undefined) {
        lastView = view();
        last = JSON.stringify(lastView);
        lastT = history.latest?.t ?? 0;
      }
      return { view: lastView, samples: history.all() };
    },
    update() {
      const v = view();
      const json = JSON.stringify(v);
      const samples = history.since(lastT);
      if (json === last && samples.length === 0) return undefined;
      last = json;
      lastView = v;
      lastT = samples.at(-1)?.t ?? lastT;
      return { view: v, samples };
    },
    dependsOn: (change) => change === 'cluster' || change === 'services' || change === 'sample',
  };
}

export function servicesTopic(sources: UiSources): Topic {
  return wholeViewTopic(() => servicesView(sources.services(), sources.packages()), ['services', 'packages']);
}

export function serviceTopic(sources: UiSources, namespace: string, name: string): Topic {
  return wholeViewTopic(
    () => serviceDetailView(namespace, name, sources.service(namespace, name), sources.tasksOf(namespace, name), sources.eventsOf(namespace, 'DcosService', name)),
    ['services', 'pods', 'events'],
  );
}

export function nodeRows(sources: UiSources): NodeRow[] {
  return sources.nodeAllocations().map((n) => nodeRow(n, sources.nodeTopology(n.host)));
}

/** The Nodes page: every row at first, then only the rows that changed. */
export function nodesTopic(sources: UiSources): Topic {
  const sent = new Map<string, NodeRow>();
  return {
    // A later viewer gets what the others have; a change pending for them reaches it too.
    snapshot() {
      if (sent.size === 0) nodesDelta(nodeRows(sources), sent);
      return { rows: [...sent.values()] };
    },
    update() {
      return nodesDelta(nodeRows(sources), sent);
    },
    dependsOn: (change) => change === 'nodes' || change === 'pods',
  };
}
