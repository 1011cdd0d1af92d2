# An image that opts out of weave addressing through its environment.
FROM busybox:local
ENV WEAVE_CIDR=none
