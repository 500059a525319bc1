# syntax=docker/dockerfile:1
FROM node:22.9-slim
WORKDIR /app
RUN --mount=type=cache,target=/root/.npm \
    --mount=type=bind,source=package.json,target=package.json \
    --mount=type=bind,source=package-lock.json,target=package-lock.json \
    npm ci --omit=dev
COPY --chown=node:node . .
USER node
CMD ["node", "index.js"]
