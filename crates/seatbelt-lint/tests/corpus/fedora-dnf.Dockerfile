FROM fedora:40
RUN dnf install -y httpd-2.4.62 mod_ssl-2.4.62 && dnf clean all
RUN dnf install nano
RUN microdnf install -y jq
EXPOSE 80 443
CMD ["httpd", "-DFOREGROUND"]
