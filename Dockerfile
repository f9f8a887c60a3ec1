# One image per service, built from this one file: the compose files pick a stage with `target:`.
#   docker build --target pserver -t p2p-pserver .
# Services run from their TypeScript source with tsx (a production dependency of each service), the
# same command `npm start` and the tests run, so what ships is what is tested. Each stage installs only
# its own service's production dependencies (and those of proto/, which every service uses).
# Only instructions in the forms e2e/deployment/dockerfile.ts understands: the multi-machine test reads
# each stage's WORKDIR, ENV, USER, CMD and HEALTHCHECK from here and runs exactly that.

FROM node:20-alpine AS base
ENV NODE_ENV=production
WORKDIR /app
# npm ci needs every workspace's manifest to accept the lockfile. Sources are copied after the
# install, so that a source change does not reinstall the dependencies.
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY proto/package.json proto/
COPY central-server/package.json central-server/
COPY pserver/package.json pserver/
COPY pclient/package.json pclient/
COPY proxy/package.json proxy/
COPY test-support/package.json test-support/
COPY deploy/healthcheck.mjs deploy/

FROM base AS central-server
RUN npm ci --omit=dev --workspace=central-server --no-audit --no-fund && npm cache clean --force
COPY proto/ proto/
COPY central-server/ central-server/
# A container is reached from outside itself: listen on every interface, on the port it exposes.
ENV HOST=0.0.0.0 PORT=9000
USER node
EXPOSE 9000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD node deploy/healthcheck.mjs "http://${HOST:-127.0.0.1}:${PORT:-9000}/health"
CMD ["node", "--import", "tsx", "central-server/src/server.ts"]

FROM base AS pserver
RUN npm ci --omit=dev --workspace=pserver --no-audit --no-fund && npm cache clean --force
# The data volume's mount point, owned by the user the service runs as: Docker gives a new named
# volume the ownership of the folder it is mounted on, so the service can write to it.
RUN mkdir -p /data && chown node:node /data
COPY proto/ proto/
COPY pserver/ pserver/
# Listening on every interface needs ADVERTISE_ADDRESS too (the pserver refuses to start without it).
ENV GRPC_HOST=0.0.0.0 GRPC_PORT=50051
USER node
EXPOSE 50051
# Indexing a large data folder at start takes a while before the port opens.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 CMD node deploy/healthcheck.mjs "tcp://${GRPC_HOST:-127.0.0.1}:${GRPC_PORT:-50051}"
CMD ["node", "--import", "tsx", "pserver/src/server.ts"]

FROM base AS pclient
RUN npm ci --omit=dev --workspace=pclient --no-audit --no-fund && npm cache clean --force
COPY proto/ proto/
COPY pclient/ pclient/
ENV HOST=0.0.0.0 PORT=9001
USER node
EXPOSE 9001
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD node deploy/healthcheck.mjs "http://${HOST:-127.0.0.1}:${PORT:-9001}/health"
CMD ["node", "--import", "tsx", "pclient/src/server.ts"]

FROM base AS proxy
RUN npm ci --omit=dev --workspace=proxy --no-audit --no-fund && npm cache clean --force
COPY proto/ proto/
COPY proxy/ proxy/
ENV HOST=0.0.0.0 PORT=80
USER node
EXPOSE 80
# The proxy forwards every path to its upstream, so it is checked by opening its port, not by asking
# a route: an upstream that is down must not make the proxy look unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD node deploy/healthcheck.mjs "tcp://${HOST:-127.0.0.1}:${PORT:-8080}"
CMD ["node", "--import", "tsx", "proxy/src/server.ts"]
