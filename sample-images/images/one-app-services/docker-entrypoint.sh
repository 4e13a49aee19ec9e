#!/bin/sh
set -e
nginx
redis-server --port 6379 &
exec "$@"
