FROM ubuntu
FROM nginx:latest AS web
FROM redis@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
FROM scratch
COPY --from=web /etc/nginx /etc/nginx
