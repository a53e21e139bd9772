import { renderTable, type Cell } from './table.ts';

/** --json: the objects, two-space indented, one document. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function printTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): void {
  process.stdout.write(renderTable(headers, rows));
}

/** -A adds the namespace, as kubectl does, so rows of several namespaces can be told apart. */
export function withNamespace(allNamespaces: boolean, headers: readonly string[], rows: Array<{ namespace: string | undefined; cells: Cell[] }>): [string[], Cell[][]] {
  if (!allNamespaces) return [[...headers], rows.map((r) => r.cells)];
  return [['NAMESPACE', ...headers], rows.map((r) => [r.namespace, ...r.cells])];
}
