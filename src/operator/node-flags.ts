/**
 * The flags Node runs the operator with (Dockerfile, `npm start`, the webhook benchmark's server).
 * V8 sizes its pool of background threads (concurrent GC marking, compilation) from the machine, not
 * from the pod's CPU: on a 2-core node those threads and the main thread took turns, and the admission
 * webhook's p99 (bench/webhook-latency.ts) went from about 3 ms with the default pool to about 1.9 ms
 * with one background thread.
 * V8 also sizes the young generation from the machine's memory: on a 24 GiB machine its semi-spaces
 * grew to 64 MiB each during a bulk apply and stayed, so RSS with 1,000 services cached was 342 MiB
 * for a 52 MiB live heap. Capped at 16 MiB it was 216 MiB (bench/dcos-service-scale.ts (c): 152 ->
 * 33 KiB per service), at no measurable cost in the operator's CPU per phase, and the same on any node.
 * At Kubernetes' envelope (bench/envelope.ts: 5,000 nodes, 150,000 pods, 10,000 DcosServices) the
 * resident set was still about 320 MiB for a live heap of 115-125 MiB: V8 let its heap grow to about
 * 1.5 times what was live and held on to memory its collections had freed (60-100 MiB of anonymous
 * memory outside the heap it reports). --optimize-for-size makes every full collection a
 * memory-reducing one (a heap limit nearer what is live, freed memory given back) and caps the young
 * generation's semi-spaces at 1 MiB: in the same runs the RSS every status correct went from 317 and
 * 332 MiB to 244 and 269 MiB, after the churn from 317 and 332 to 240 and 249, at the cost of CPU:
 * 2.5-2.6 -> 4.0-4.4 CPU-seconds per 1,000 services converged from the operator's start (1.5 -> 2.4-2.8
 * from caches synced), most of it in those collections (set after start-up, with 8 MiB semi-spaces, it
 * cost the same). Half of deploy/'s 512 MiB is the goal; the CPU is spent once per burst of changes.
 * test/unit/deploy-manifests.test.ts keeps the three places in step.
 */
export const OPERATOR_NODE_FLAGS = ['--v8-pool-size=1', '--optimize-for-size'] as const;

/**
 * The environment the image gives the operator's process (Dockerfile ENV; the envelope benchmark
 * spawns it with the same). glibc serves an allocation of 128 KiB or more with its own mmap, given
 * back to the system on free, until a large block is freed: then it raises that threshold (up to
 * 32 MiB) and later large blocks come from its heap, whose free holes it keeps. A list page (500
 * pods, about 2 MB of JSON in 64 KiB socket reads joined into one buffer) is such a block. Fixed at
 * 128 KiB, the same code at the envelope (bench/envelope.ts, medians of 3 rounds against 2 without)
 * gave RSS 146 instead of 160 MiB when caches synced, 207 instead of 217 once every status was
 * correct, 200 instead of 210 after the churn, and 22-32 instead of 35-44 MiB of anonymous memory
 * outside V8's heap.
 */
export const OPERATOR_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' } as const;
