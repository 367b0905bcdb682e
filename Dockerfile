# eventbridge-local in a container: state in the /data volume, API on port 4010.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the `prepare` build needs src/, which is copied next (so the install layer stays cached).
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle.mjs ./scripts/
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
# The dashboard's static assets: the server looks for ui/ above dist/src/ at start-up.
COPY ui ./ui
VOLUME /data
EXPOSE 4010
# Bind all interfaces inside the container so the published port reaches it.
CMD ["node", "--v8-pool-size=1", "dist/src/cli.js", "--host", "0.0.0.0", "--port", "4010", "--data-dir", "/data"]
