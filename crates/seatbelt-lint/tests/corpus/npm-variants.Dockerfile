FROM node:20.17-slim
RUN npm install -g npm@10.8.3 && npm cache clean --force
RUN npm i -g @angular/cli@18.2.6 pm2 && npm cache clean --force
RUN npm install --save-exact express@4.21.0 && npm cache clean --force
RUN npm ci
USER node
