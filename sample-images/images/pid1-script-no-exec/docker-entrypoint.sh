#!/bin/sh
set -e
echo "starting $*"
mkdir -p /tmp/app
"$@"
