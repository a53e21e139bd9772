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
 * 8 MiB halves the young generation again: at Kubernetes' envelope (bench/envelope.ts, 150,000 pods)
 * it is where each watch event's parsed pod lives and dies, and 8 MiB still holds hundreds of them.
 * test/unit/deploy-manifests.test.ts keeps the three places in step.
 */
export const OPERATOR_NODE_FLAGS = ['--v8-pool-size=1', '--max-semi-space-size=8'] as const;
