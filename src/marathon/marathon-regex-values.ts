/*
 * Node affinity matches exact label values, Marathon's LIKE/UNLIKE match a regular expression.
 * A regex that only lists values (`rack-1|rack-2`, `rack-[1-3]`, `(a|b)-x`) is the same as a finite set
 * and maps exactly; anything open-ended (`srv2.*`) cannot, and the caller rejects it.
 */

const MAX_VALUES = 256;
const LITERAL = /[A-Za-z0-9_\-/:@=,;'"%&! ~]/;

class NotFinite extends Error {}

/** The finite set of strings the regex matches in full, or undefined when it is open-ended (or too large). */
export function expandRegex(regex: string): string[] | undefined {
  let i = 0;
  const cap = (values: string[]): string[] => {
    if (values.length > MAX_VALUES) throw new NotFinite();
    return values;
  };
  const alternation = (): string[] => {
    const out = [...sequence()];
    while (regex[i] === '|') {
      i++;
      out.push(...sequence());
    }
    return cap([...new Set(out)]);
  };
  const sequence = (): string[] => {
    let acc = [''];
    while (i < regex.length && regex[i] !== '|' && regex[i] !== ')') {
      let set = atom();
      if (regex[i] === '?') {
        i++;
        set = [...set, ''];
      }
      acc = cap(acc.flatMap((a) => set.map((s) => a + s)));
    }
    return acc;
  };
  const atom = (): string[] => {
    const c = regex[i]!;
    if (c === '(') {
      i++;
      if (regex.startsWith('?:', i)) i += 2;
      const inner = alternation();
      if (regex[i] !== ')') throw new NotFinite();
      i++;
      return inner;
    }
    if (c === '[') return charClass();
    if (c === '\\') {
      const next = regex[i + 1];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) throw new NotFinite(); // \d, \w, \s...: classes
      i += 2;
      return [next];
    }
    if (LITERAL.test(c)) {
      i++;
      return [c];
    }
    throw new NotFinite(); // . * + { } ^ $: open-ended or anchors
  };
  const charClass = (): string[] => {
    i++;
    if (regex[i] === '^') throw new NotFinite();
    const out: string[] = [];
    while (i < regex.length && regex[i] !== ']') {
      let from = regex[i]!;
      if (from === '\\') from = regex[++i] ?? '';
      i++;
      if (regex[i] === '-' && regex[i + 1] !== undefined && regex[i + 1] !== ']') {
        const to = regex[i + 1]!;
        i += 2;
        for (let code = from.charCodeAt(0); code <= to.charCodeAt(0); code++) out.push(String.fromCharCode(code));
      } else {
        out.push(from);
      }
    }
    if (regex[i] !== ']') throw new NotFinite();
    i++;
    return cap(out);
  };
  try {
    const values = alternation();
    return i === regex.length ? values : undefined;
  } catch (e) {
    if (e instanceof NotFinite) return undefined;
    throw e;
  }
}
