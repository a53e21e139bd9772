# syntax=docker/dockerfile:1
# dcos-operator image: `docker build -t dcos-operator:dev .`
# The process runs src/ emitted as JavaScript (scripts/emit-runtime-js.ts): Node's TypeScript type
# stripping is a WebAssembly build of swc, and compiling and running it cost every replica about 14 MiB
# for the life of the pod. Nothing else is built: the runtime holds the production dependencies, the
# emitted source and the default package repository.

# 1. Production dependencies only (no vitest, no typescript, no `node` package from npm).
FROM node:24-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# 2. src/ as JavaScript, with the TypeScript compiler of package-lock.json (tsconfig.runtime.json).
FROM node:24-slim AS emit
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.runtime.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY scripts/emit-runtime-js.ts ./scripts/
COPY src ./src
RUN node scripts/emit-runtime-js.ts /app/runtime

# 3. Runtime: distroless Node.js 24, no shell, no package manager.
FROM gcr.io/distroless/nodejs24-debian12:nonroot AS runtime
WORKDIR /app
ENV NODE_ENV=production
# From src/operator/node-flags.ts (OPERATOR_ENV; a test keeps them equal): large buffers from glibc's mmap, given back when freed.
ENV MALLOC_MMAP_THRESHOLD_=131072
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json ./
COPY --from=emit /app/runtime/src ./src
COPY packages ./packages
# 65532 is distroless' `nonroot`; deploy/deployment.yaml runs as the same numeric uid (runAsNonRoot
# can only check a numeric USER).
USER 65532:65532
EXPOSE 8080 9443
# The entrypoint names the script so that a pod's `args` (deploy/: --webhooks=service --no-install-crds)
# become the operator's flags.
# Flags from src/operator/node-flags.ts (a test keeps them equal).
ENTRYPOINT ["/nodejs/bin/node", "--v8-pool-size=1", "--optimize-for-size", "src/main.js"]
CMD []
