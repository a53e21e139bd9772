# syntax=docker/dockerfile:1
# dcos-operator image: `docker build -t dcos-operator:dev .`
# The process runs on Node's own TypeScript type stripping (`node src/main.ts`): there is no build
# step, only the production dependencies, the source and the default package repository.

# 1. Production dependencies only (no vitest, no typescript, no `node` package from npm).
FROM node:24-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# 2. Runtime: distroless Node.js 24, no shell, no package manager.
FROM gcr.io/distroless/nodejs24-debian12:nonroot AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY packages ./packages
# 65532 is distroless' `nonroot`; deploy/deployment.yaml runs as the same numeric uid (runAsNonRoot
# can only check a numeric USER).
USER 65532:65532
EXPOSE 8080 9443
# The entrypoint names the script so that a pod's `args` (deploy/: --webhooks=service --no-install-crds)
# become the operator's flags.
# Flags from src/operator/node-flags.ts (a test keeps them equal).
ENTRYPOINT ["/nodejs/bin/node", "--v8-pool-size=1", "--max-semi-space-size=8", "src/main.ts"]
CMD []
