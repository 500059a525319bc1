# Labels set once in a base stage reach the stages built on it; a stage used only by
# COPY --from needs none; a test stage that is neither is still an image of its own.
ARG NODE_VERSION=20.15.1
FROM node:${NODE_VERSION}-bookworm-slim AS base
LABEL org.opencontainers.image.vendor="Example Ltd" \
      org.opencontainers.image.source="https://github.com/example/web" \
      org.opencontainers.image.authors="web@example.com" \
      org.opencontainers.image.licenses="MIT"
WORKDIR /app

FROM base AS deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev

FROM node:${NODE_VERSION}-bookworm-slim AS test
WORKDIR /app
COPY . .
RUN npm ci && npm test

FROM base
LABEL org.opencontainers.image.version="3.2.1" \
      org.opencontainers.image.revision="0a1b2c3d4e5f60718293a4b5c6d7e8f901234567" \
      org.opencontainers.image.created="2024-06-01T08:00:00Z"
COPY --from=deps /app/node_modules ./node_modules
COPY . .
USER node
CMD ["node", "server.js"]
