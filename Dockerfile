# One image per service, built from this one file: the compose files pick a stage with `target:`.
#   docker build --target pserver -t p2p-pserver .
# The `build` stage compiles every service (`npm ci` with the dev dependencies, then `npm run build`,
# which writes each workspace's dist/). Each service's stage then installs only that service's
# production dependencies (and those of proto/, which every service uses), takes the compiled
# JavaScript and the few other files the service reads at run time, and runs
# `node <service>/dist/bundle/server.mjs` (the service and its dependencies in one file: see
# scripts/bundle-services.ts) on jemalloc, as the unprivileged user `node`: what `npm test` runs
# (P2P_SERVICES=compiled), on the same Node major. The dependencies stay installed beside the bundle
# for the few files they read at run time (Swagger UI's assets, gRPC's own .proto files).
# Only instructions in the forms e2e/deployment/dockerfile.ts understands: the multi-machine test reads
# each stage's WORKDIR, ENV, USER, CMD and HEALTHCHECK from here and runs exactly that.

# Every workspace's manifest and the lockfile: what npm ci needs to accept the lockfile. Sources come
# later, so that a source change does not reinstall the dependencies.
FROM node:24-bookworm-slim AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY proto/package.json proto/
COPY central-server/package.json central-server/
COPY pserver/package.json pserver/
COPY pclient/package.json pclient/
COPY proxy/package.json proxy/
COPY test-support/package.json test-support/

FROM manifests AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.build.json ./
# Each workspace's src/ and tsconfig.build.json (.dockerignore keeps tests and any local dist/ out).
COPY proto/ proto/
COPY central-server/ central-server/
COPY pserver/ pserver/
COPY pclient/ pclient/
COPY proxy/ proxy/
# The second half of the build, which bundles each service into one file (bundle-services.ts).
COPY scripts/bundle-services.ts scripts/
COPY scripts/lib/service-runtime.ts scripts/lib/
RUN npm run build

# What every service's image starts from: the manifests, proto's compiled code and its .proto file,
# and the health check script.
FROM manifests AS runtime
# jemalloc, from Debian: it gives memory back to the kernel that glibc's malloc would keep.
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libjemalloc2 \
  && rm -rf /var/lib/apt/lists/*
# NODE_OPTIONS: V8's young generation kept at 1 MiB; LD_PRELOAD and MALLOC_CONF: every service on
# jemalloc, with one arena. As the launcher and the tests run every service (SERVICE_NODE_OPTIONS and
# serviceAllocatorEnv in scripts/lib/service-runtime.ts say why; the e2e tests check they agree).
ENV NODE_ENV=production NODE_OPTIONS=--max-semi-space-size=1 LD_PRELOAD=libjemalloc.so.2 MALLOC_CONF=narenas:1,tcache:false,dirty_decay_ms:1000,muzzy_decay_ms:0
COPY deploy/healthcheck.mjs deploy/
COPY proto/filesharing.proto proto/
COPY --from=build /app/proto/dist proto/dist

FROM runtime AS central-server
# npm's cache and logs (in /root/.npm) stay out of the image.
RUN npm ci --omit=dev --workspace=central-server --no-audit --no-fund && rm -rf /root/.npm
# The Redis store's Lua scripts, read beside dist/.
COPY central-server/lua/ central-server/lua/
COPY --from=build /app/central-server/dist central-server/dist
# A container is reached from outside itself: listen on every interface, on the port it exposes.
ENV HOST=0.0.0.0 PORT=9000
USER node
EXPOSE 9000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD node deploy/healthcheck.mjs "http://${HOST:-127.0.0.1}:${PORT:-9000}/health"
CMD ["node", "central-server/dist/bundle/server.mjs"]

FROM runtime AS pserver
RUN npm ci --omit=dev --workspace=pserver --no-audit --no-fund && rm -rf /root/.npm
# The data volume's mount point, owned by the user the service runs as: Docker gives a new named
# volume the ownership of the folder it is mounted on, so the service can write to it.
RUN mkdir -p /data && chown node:node /data
COPY --from=build /app/pserver/dist pserver/dist
# Listening on every interface needs ADVERTISE_ADDRESS too (the pserver refuses to start without it).
ENV GRPC_HOST=0.0.0.0 GRPC_PORT=50051
USER node
EXPOSE 50051
# Indexing a large data folder at start takes a while before the port opens.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 CMD node deploy/healthcheck.mjs "tcp://${GRPC_HOST:-127.0.0.1}:${GRPC_PORT:-50051}"
CMD ["node", "pserver/dist/bundle/server.mjs"]

FROM runtime AS pclient
RUN npm ci --omit=dev --workspace=pclient --no-audit --no-fund && rm -rf /root/.npm
# The page's templates and static files, read beside dist/.
COPY pclient/views/ pclient/views/
COPY pclient/public/ pclient/public/
COPY --from=build /app/pclient/dist pclient/dist
ENV HOST=0.0.0.0 PORT=9001
USER node
EXPOSE 9001
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD node deploy/healthcheck.mjs "http://${HOST:-127.0.0.1}:${PORT:-9001}/health"
CMD ["node", "pclient/dist/bundle/server.mjs"]

FROM runtime AS proxy
RUN npm ci --omit=dev --workspace=proxy --no-audit --no-fund && rm -rf /root/.npm
COPY --from=build /app/proxy/dist proxy/dist
ENV HOST=0.0.0.0 PORT=80
USER node
EXPOSE 80
# The proxy forwards every path to its upstream, so it is checked by opening its port, not by asking
# a route: an upstream that is down must not make the proxy look unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD node deploy/healthcheck.mjs "tcp://${HOST:-127.0.0.1}:${PORT:-8080}"
CMD ["node", "proxy/dist/bundle/server.mjs"]
