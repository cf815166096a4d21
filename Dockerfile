# Gatehouse container image. See docs/deploy.md ("Docker") for how to run it.
#
#   docker build -t gatehouse .
#   docker run -d -p 127.0.0.1:3000:3000 -v gatehouse-data:/data \
#     -e GATEHOUSE_ISSUER=https://auth.example.com gatehouse

# ---------------------------------------------------------------------------------------------
# Build stage: compile better-sqlite3 (a native addon), build dist/ with tsc, drop dev packages.
# ---------------------------------------------------------------------------------------------
# Node.js 22 (LTS); Gatehouse also runs on 20 and 24 (package.json engines: >=20).
FROM node:22-bookworm-slim AS build

RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# better-sqlite3 is compiled from source rather than fetched as a prebuilt binary from GitHub.
ENV npm_config_build_from_source=true \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false

COPY package.json package-lock.json ./

# `npm ci` would run the package's own `prepare` script (tsc) before the sources are here, and
# every dependency's install script. Skip them all, then run the one install script the runtime
# needs (better-sqlite3's; it is listed in package.json's allowScripts) explicitly. The node
# image unpacks Node's release tarball into /usr/local, headers included; when they are there,
# node-gyp uses them instead of downloading them from nodejs.org.
RUN npm ci --ignore-scripts \
 && if [ -f /usr/local/include/node/common.gypi ]; then export npm_config_nodedir=/usr/local; fi \
 && npm rebuild better-sqlite3 \
 && node -e "require('better-sqlite3')(':memory:').close()"

COPY tsconfig.json ./
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev

# ---------------------------------------------------------------------------------------------
# Runtime stage: the compiled code and production dependencies only, run as a non-root user.
# ---------------------------------------------------------------------------------------------
FROM node:22-bookworm-slim

RUN groupadd --system --gid 10001 gatehouse \
 && useradd --system --uid 10001 --gid gatehouse --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin gatehouse \
 && mkdir -p /data \
 && chown gatehouse:gatehouse /data \
 && chmod 0700 /data

WORKDIR /app

# Owned by root and not writable by the service user.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# the page templates and message catalogs, read at start (override them with GATEHOUSE_THEME_DIR)
COPY templates ./templates
COPY messages ./messages

# HOST: listen on every interface inside the container (publish the port on 127.0.0.1 of the
# host, or on a private network, and put a TLS-terminating proxy in front).
# DATABASE_URL: SQLite in the /data volume; the generated gatehouse.secret lands beside it.
# Set DATABASE_URL=postgres://… (and GATEHOUSE_SECRET) to use PostgreSQL instead.
# GATEHOUSE_LOG_FORMAT: JSON lines for `docker logs` and log shippers, even under `docker run -t`.
ENV HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=sqlite:/data/gatehouse.db \
    GATEHOUSE_LOG_FORMAT=json

USER gatehouse
VOLUME /data
EXPOSE 3000

# Liveness only (/healthz answers while the process is up); load balancers should use /readyz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# node runs as PID 1 and handles SIGTERM itself (closes the server and the database, exits 0).
CMD ["node", "dist/main.js", "serve"]
