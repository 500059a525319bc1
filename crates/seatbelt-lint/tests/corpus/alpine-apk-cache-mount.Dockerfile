# syntax=docker/dockerfile:1
FROM alpine:3.20
RUN --mount=type=cache,target=/var/cache/apk \
    apk add nginx=1.26.2-r0
USER nginx
CMD ["nginx", "-g", "daemon off;"]
