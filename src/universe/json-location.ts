import { fail, ok, type JsonValue, type Result } from './universe-result.ts';

/** Where a JSON text stops being JSON: 1-based line and column, and the JSON path of the value being read. */
export interface JsonErrorLocation {
  line: number;
  column: number;
  path: string;
  problem: string;
}

/**
 * JSON.parse's messages differ between engines and often lack a position, and a repository
 * index is usually one long line, so a user needs the path (`packages[12].config`) more than a
 * column. This scanner re-reads a text JSON.parse rejected and reports the first place it breaks.
 */
export function locateJsonError(text: string): JsonErrorLocation {
  const path: Array<string | number> = [];
  let pos = 0;

  class Stop extends Error {}
  const stop = (problem: string): never => {
    located = { offset: pos, problem, path: formatJsonPath(path) };
    throw new Stop();
  };
  let located = { offset: 0, problem: '', path: '' };

  const skipSpace = () => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos]!)) pos++;
  };
  const describe = () => (pos >= text.length ? 'the end of the text' : `${JSON.stringify(text[pos])}`);

  const readString = (): string => {
    const start = pos;
    pos++;
    while (pos < text.length) {
      const c = text[pos]!;
      if (c === '"') {
        pos++;
        return JSON.parse(text.slice(start, pos)) as string;
      }
      if (c === '\\') {
        const next = text[pos + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) stop('a \\u escape needs four hex digits');
          pos += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) pos += 2;
        else stop('an invalid escape in a string');
      } else if (c < ' ') stop('a control character (such as a raw newline) inside a string');
      else pos++;
    }
    return stop('a string that is never closed');
  };

  const readValue = (): void => {
    skipSpace();
    const c = text[pos];
    if (c === '{') {
      pos++;
      skipSpace();
      if (text[pos] === '}') {
        pos++;
        return;
      }
      for (;;) {
        skipSpace();
        if (text[pos] !== '"') stop(`expected a property name in double quotes, found ${describe()}`);
        const key = readString();
        skipSpace();
        if (text[pos] !== ':') stop(`expected ':' after property name, found ${describe()}`);
        pos++;
        path.push(key);
        readValue();
        path.pop();
        skipSpace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return;
        }
        path.push(key);
        stop(`expected ',' or '}' after a property value, found ${describe()}`);
      }
    }
    if (c === '[') {
      pos++;
      skipSpace();
      if (text[pos] === ']') {
        pos++;
        return;
      }
      for (let index = 0; ; index++) {
        path.push(index);
        readValue();
        skipSpace();
        if (text[pos] === ',') {
          path.pop();
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          path.pop();
          pos++;
          return;
        }
        stop(`expected ',' or ']' after an array element, found ${describe()}`);
      }
    }
    if (c === '"') {
      readString();
      return;
    }
    const literal = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(pos, pos + 400));
    if (!literal) stop(`expected a value, found ${describe()}`);
    pos += literal![0].length;
  };

  try {
    readValue();
    skipSpace();
    if (pos < text.length) stop(`unexpected ${describe()} after the end of the JSON value`);
    // JSON.parse rejected something this scanner accepts; still say where the text ends.
    located = { offset: pos, problem: 'not valid JSON', path: '' };
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
  }
  const before = text.slice(0, located.offset);
  const line = before.split('\n').length;
  const column = located.offset - before.lastIndexOf('\n');
  return { line, column, path: located.path, problem: located.problem };
}

/** `['packages', 3, 'config']` -> `packages[3].config`; keys that are not identifiers are quoted. */
export function formatJsonPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** JSON.parse that returns where and why the text is not JSON, naming `what` was being read. */
export function parseJson(text: string, what: string): Result<JsonValue> {
  try {
    return ok(JSON.parse(text) as JsonValue);
  } catch {
    const at = locateJsonError(text);
    const where = at.path ? ` (at ${at.path})` : '';
    return fail('InvalidJson', `${what} is not valid JSON: line ${at.line} column ${at.column}${where}: ${at.problem}`);
  }
}
