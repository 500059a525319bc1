FROM haskell:9.6 AS build
WORKDIR /opt/app
COPY stack.yaml package.yaml ./
RUN stack build --only-dependencies
COPY . .
RUN stack install --local-bin-path /opt/bin

FROM debian:12.7-slim
COPY --from=build /opt/bin/app /usr/local/bin/app
USER 1000
CMD ["app"]
