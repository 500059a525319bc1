FROM debian:12.7-slim
RUN wget https://example.com/a.bin
RUN curl -fsSLo /b.bin https://example.com/b.bin
RUN wget --progress=dot:giga https://example.com/c.bin && wget -q https://example.com/d.bin
USER 1000
