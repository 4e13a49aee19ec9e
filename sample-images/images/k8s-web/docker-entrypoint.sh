#!/bin/sh
set -e
# Prepares the server's directories and configuration, then hands PID 1 over to the command.
mkdir -p /var/cache/nginx/client_temp
sed -i "s/listen .*/listen ${PORT:-8080};/" /etc/nginx/nginx.conf
exec "$@"
