FROM alpine:3.20
ONBUILD FROM alpine:3.19
ONBUILD MAINTAINER someone
ONBUILD RUN --mount=type=cache,target=/var/cache/apk apk add curl
USER nobody
