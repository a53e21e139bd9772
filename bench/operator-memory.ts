import { readFileSync } from 'node:fs';

/** The operator's heap in use (from its /metrics) and its resident set (from /proc), now. */
export async function operatorMemory(port: number, pid: number): Promise<{ heap: number; rss: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const heap = Number(/^dcos_operator_nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1] ?? NaN);
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;
  return { heap, rss };
}
