FROM node:20.17-slim
ARG NPM_TOKEN
ARG GITHUB_TOKEN=""
ARG API_KEY=${DEFAULT_KEY}
ENV NODE_AUTH_TOKEN=$NPM_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm -f .npmrc && npm cache clean --force
USER node
