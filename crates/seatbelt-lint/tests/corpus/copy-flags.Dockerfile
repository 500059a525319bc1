# syntax=docker/dockerfile:1.7-labs
FROM node:20.17-alpine AS build
WORKDIR /app
COPY --parents --exclude=*.test.js ./packages/*/package.json ./
COPY --link --chmod=644 --chown=1000:1000 tsconfig.json babel.config.js ./
RUN npm ci && npm cache clean --force
COPY . .
RUN npm run build

FROM node:20.17-alpine
WORKDIR /app
COPY --from=build --chown=node:node /app/dist ./dist
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/licenses.tar.gz /licenses/
ADD --keep-git-dir=true https://github.com/example/assets.git#v1.2.0 /assets
USER node
CMD ["node", "dist/main.js"]
