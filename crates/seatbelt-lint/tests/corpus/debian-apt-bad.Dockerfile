FROM debian:bookworm
RUN apt-get update
RUN apt-get install curl wget
RUN apt install -y git
RUN sudo apt-get upgrade -y
RUN cd /tmp && wget https://example.com/file.tar.gz && tar xzf file.tar.gz
CMD ["bash"]
