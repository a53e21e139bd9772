// The operator's entry point (`npm start`, the image's ENTRYPOINT). Node's compile cache is turned on
// before anything else loads: the operator's modules and client-node's generated API took ~0.55 s to
// compile at every start, ~0.4 s from the cache, and after a restart that time delays every
// reconcile. The cache lives in $NODE_COMPILE_CACHE or the OS temp dir; where neither is writable
// (a read-only root FS without a /tmp volume) Node runs on without it.
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('./operator-main.ts');
