import Table from 'cli-table3';

/** What dcos-cli printed for a cell with nothing in it. */
export const EMPTY_CELL = '---';

export type Cell = string | number | boolean | undefined | null;

function cellText(cell: Cell): string {
  if (cell === undefined || cell === null || cell === '') return EMPTY_CELL;
  if (typeof cell === 'boolean') return cell ? 'True' : 'False';
  return String(cell);
}

/** A dcos-cli table: no borders, upper-case headers, two spaces between columns, `---` for an empty cell. */
export function renderTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const table = new Table({
    head: headers.map((h) => h.toUpperCase()),
    chars: { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ' },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  for (const row of rows) table.push(row.map(cellText));
  return table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n') + '\n';
}

/** Cuts a long cell as dcos-cli did (CMD at 35 characters, DESCRIPTION at 77), marking the cut with "...". */
export function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}...`;
}
