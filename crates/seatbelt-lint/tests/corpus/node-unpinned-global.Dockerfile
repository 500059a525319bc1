FROM node:latest
RUN npm install -g typescript ts-node
WORKDIR /app
COPY . .
RUN npm install
RUN npm run build
CMD npm start
