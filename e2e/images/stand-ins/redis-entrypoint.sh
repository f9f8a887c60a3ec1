#!/bin/sh
# The redis stand-in's entrypoint: `redis-server ...` runs with protected mode off (the official
# image compiles that default in); any other command runs as given.
set -e
if [ "$1" = redis-server ]; then
  shift
  exec redis-server "$@" --protected-mode no
fi
exec "$@"
