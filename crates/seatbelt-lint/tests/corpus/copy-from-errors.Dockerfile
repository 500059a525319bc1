FROM alpine:3.20 AS app
COPY --from=app /etc/hosts /tmp/hosts
COPY --from=tools /usr/bin/jq /usr/bin/jq
COPY --from=busybox:1.36 /bin/busybox /bin/busybox

FROM debian:12 AS tools
RUN true

FROM alpine:3.20 AS app
COPY --from=0 /etc/os-release /os-release
USER 1
