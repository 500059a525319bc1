FROM busybox:1.36.1-musl
COPY --chmod=755 hello.sh /bin/hello
USER 65534:65534
ENTRYPOINT ["/bin/hello"]
