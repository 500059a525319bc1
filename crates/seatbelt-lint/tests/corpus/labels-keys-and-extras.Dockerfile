FROM nginx:1.27-alpine
# Keys outside Docker's format, and keys outside the label schema.
LABEL Maintainer="web@example.com"
LABEL build_number="1234" com.docker.compose.project="site"
LABEL com.example.team="web" com.example..double="x"
LABEL "org.opencontainers.image.source"="https://github.com/example/site" \
      'org.opencontainers.image.vendor'='Example Ltd'
LABEL description="Static site" version-="1"
COPY site/ /usr/share/nginx/html/
