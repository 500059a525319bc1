FROM node:20.17-slim
WORKDIR /app
COPY . /app
RUN chown -R node:node /app
COPY assets/ /srv/assets/
RUN chmod -R 755 /srv/assets
USER node
CMD ["node", "/app/index.js"]
