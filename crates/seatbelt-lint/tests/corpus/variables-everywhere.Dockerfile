FROM alpine:3.20
ARG USER=app
ARG UID=1000
ENV HOME=/home/${USER} \
    PATH=/home/${USER}/.local/bin:${PATH}
RUN adduser -D -u ${UID} ${USER}
WORKDIR ${HOME}
COPY --chown=${USER}:${USER} . ${HOME}/src
ENV PORT=${PORT-8080}
EXPOSE ${PORT}
USER ${USER}
CMD ["sh", "-c", "exec ./src/run --port \"$PORT\""]
