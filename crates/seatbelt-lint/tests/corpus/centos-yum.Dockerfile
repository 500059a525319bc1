FROM centos:7
RUN yum install -y epel-release && yum install -y nginx
RUN yum install python3-3.6.8 && yum clean all
RUN yum -y install httpd-2.4.6 && rm -rf /var/cache/yum
CMD ["nginx", "-g", "daemon off;"]
