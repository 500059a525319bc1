FROM opensuse/leap:15.6
RUN zypper install -y curl
RUN zypper -n install nginx=1.21.5 && zypper clean
RUN zypper refresh && zypper -n dist-upgrade
RUN zypper --non-interactive in git-core>=2.43 && zypper cc -a
CMD ["nginx", "-g", "daemon off;"]
