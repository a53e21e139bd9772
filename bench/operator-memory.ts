import { readFileSync } from 'node:fs';

export interface OperatorMemory {
  /** Heap in use (from its /metrics). */
  heap: number;
  /** Heap V8 holds from the system, used or not. */
  heapTotal: number;
  /** Memory of buffers and other objects outside the heap that V8 knows of. */
  external: number;
  /** Resident set (from /proc). */
  rss: number;
  /** Of which anonymous memory (heap, malloc) and mapped files (the node binary's pages). */
  rssAnon: number;
  rssFile: number;
}

/** The operator's memory now: its heap from its /metrics, its resident set from /proc. */
export async function operatorMemory(port: number, pid: number): Promise<OperatorMemory> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const metric = (name: string) => Number(new RegExp(`^dcos_operator_${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
  return { heap: metric('nodejs_heap_size_used_bytes'), heapTotal: metric('nodejs_heap_size_total_bytes'), external: metric('nodejs_external_memory_bytes'), rss: kib('VmRSS'), rssAnon: kib('RssAnon'), rssFile: kib('RssFile') };
}
