FROM alpine:3.20
LABEL org.opencontainers.image.title="widget" \
      org.opencontainers.image.description="Widget service" \
      org.opencontainers.image.source="https://git.example.com/widget" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.authors="team@example.com"
USER 1000
CMD ["/widget"]
