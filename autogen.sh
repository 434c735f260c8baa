#!/bin/sh
# Generate configure and Makefile.in.  Needs autoconf, automake, pkg-config.
set -e
cd "$(dirname "$0")"
mkdir -p m4 build-aux
autoreconf --install --force
