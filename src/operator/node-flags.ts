/**
 * The flags Node runs the operator with (Dockerfile, `npm start`, the webhook benchmark's server).
 * V8 sizes its pool of background threads (concurrent GC marking, compilation) from the machine, not
 * from the pod's CPU: on a 2-core node those threads and the main thread took turns, and the admission
 * webhook's p99 (bench/webhook-latency.ts) went from about 3 ms with the default pool to about 1.9 ms
 * with one background thread. test/unit/deploy-manifests.test.ts keeps the three places in step.
 */
export const OPERATOR_NODE_FLAGS = ['--v8-pool-size=1'] as const;
