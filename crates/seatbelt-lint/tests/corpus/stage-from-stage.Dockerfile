FROM ubuntu:24.04 AS os
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates=20240203
FROM os AS runtime
COPY app /usr/local/bin/app
USER 1000
CMD ["app"]
