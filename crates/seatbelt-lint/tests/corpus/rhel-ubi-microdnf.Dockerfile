FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4
RUN microdnf install -y shadow-utils-4.9 tar-1.34 \
 && microdnf clean all \
 && useradd -u 1001 -r -g 0 -s /sbin/nologin default
USER 1001
CMD ["/bin/bash"]
