FROM alpine:3.20.3
RUN apk add --no-cache curl=8.10.1-r0 bash=5.2.26-r0 tini=0.19.0-r3
RUN addgroup -S app && adduser -S -G app app
USER app
ENTRYPOINT ["/sbin/tini", "--"]
CMD ["bash"]
