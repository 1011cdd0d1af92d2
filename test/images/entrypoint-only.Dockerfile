# ENTRYPOINT only: setting ENTRYPOINT clears the CMD inherited from busybox:local.
FROM busybox:local
ENTRYPOINT ["echo", "ep-only"]
