FROM debian:12.7-slim
RUN apt-get update \
    # the compiler is only needed for the native extension
    && apt-get install -y --no-install-recommends \
        gcc=4:12.2.0-3 \

        # blank line above is allowed inside a continuation
        libc6-dev=2.36-9+deb12u8 \
    && rm -rf /var/lib/apt/lists/*
USER nobody
