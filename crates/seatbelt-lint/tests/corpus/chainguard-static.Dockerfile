FROM cgr.dev/chainguard/go:latest-dev AS build
WORKDIR /work
COPY . .
RUN CGO_ENABLED=0 go build -o hello .

FROM cgr.dev/chainguard/static:latest
COPY --from=build /work/hello /hello
CMD ["/hello"]
