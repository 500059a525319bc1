FROM denoland/deno:2.0.2
WORKDIR /app
USER deno
COPY deps.ts .
RUN deno cache deps.ts
COPY --chown=deno:deno . .
RUN deno cache main.ts
EXPOSE 8000
CMD ["run", "--allow-net", "main.ts"]
