FROM gcc:14.2 AS build
RUN apt-get update && apt-get install -y --no-install-recommends cmake=3.25.1-1 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j

FROM debian:12.7-slim
COPY --from=build /src/build/app /usr/local/bin/app
USER 1000
ENTRYPOINT ["app"]
