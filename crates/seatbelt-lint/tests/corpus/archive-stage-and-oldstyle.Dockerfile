FROM alpine:3.20 AS fetch
COPY tools.tgz /tmp/
# Old-style tar options (no dash): still an extraction.
RUN tar xzf /tmp/tools.tgz -C /usr/local/bin

FROM alpine:3.20
# The archive was copied in another stage: nothing to ADD here.
RUN tar -xzf /tmp/tools.tgz || true
COPY --from=fetch /usr/local/bin/ /usr/local/bin/
COPY release.tar.xz /tmp/release.tar.xz
RUN xzcat /tmp/release.tar.xz | tar -x -C /opt
USER 65534
