# syntax=docker/dockerfile:1.7
FROM alpine:3.20
COPY --chmod=0755 <<"ENTRY" /usr/local/bin/entrypoint.sh
#!/bin/sh
set -e
FROM this line is data, not an instruction
exec "$@"
ENTRY
ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
CMD ["sleep", "infinity"]
USER 405
