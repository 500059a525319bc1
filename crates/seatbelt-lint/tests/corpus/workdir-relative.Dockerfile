FROM node:20.17-alpine
WORKDIR app
WORKDIR /srv
WORKDIR sub/dir
WORKDIR $HOME/app
USER node
