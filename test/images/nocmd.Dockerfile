# Neither ENTRYPOINT nor CMD: the legacy builder stores "Cmd": [] ("docker run" then needs a command).
FROM busybox:local
CMD []
