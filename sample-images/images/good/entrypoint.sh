#!/bin/sh
set -e
# Prepare, then hand PID 1 over to the command so it receives SIGTERM itself.
mkdir -p /tmp/app
exec "$@"
