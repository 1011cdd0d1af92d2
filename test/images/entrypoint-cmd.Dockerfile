# ENTRYPOINT and CMD both set: the proxy must keep both when it rewrites the entrypoint.
FROM busybox:local
ENTRYPOINT ["echo", "ep"]
CMD ["cmd"]
