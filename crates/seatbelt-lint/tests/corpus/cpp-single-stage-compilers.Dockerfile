FROM debian:12.7-slim
RUN apt-get update && apt-get install -y --no-install-recommends build-essential=12.9 cmake=3.25.1-1 && rm -rf /var/lib/apt/lists/*
COPY . /src
WORKDIR /src
RUN make
USER 1000
CMD ["/src/app"]
