FROM alpine:3.20
ENTRYPOINT ["/bin/sh"]
CMD ["-c", "echo one"]
ENTRYPOINT ["/bin/ash"]
CMD ["-c", "echo two"]
USER nobody
