FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends openssh-server=1:8.9p1-3ubuntu0.10 && rm -rf /var/lib/apt/lists/* && mkdir /var/run/sshd
RUN echo 'root:root' | chpasswd
EXPOSE 22
CMD ["/usr/sbin/sshd", "-D"]
