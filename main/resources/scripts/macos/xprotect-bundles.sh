#!/bin/sh
# Vigie security check (main/services/health/probes/macos.ts): the XProtect bundles given as
# arguments (parsers/macos.ts XPROTECT_BUNDLES). Prints one `path|state|version|mtime` line per
# bundle (state: read, unreadable or absent), then whether the xprotect tool exists. Run with
# LC_ALL=C; no administrator rights needed.
for b in "$@"; do
  p="$b/Contents/Info.plist"
  if [ -r "$p" ]; then
    version=$(/usr/bin/defaults read "$p" CFBundleShortVersionString 2>/dev/null | tr -cd '0-9A-Za-z.')
    mtime=$(/usr/bin/stat -f %m "$p" 2>/dev/null)
    echo "$b|read|$version|$mtime"
  elif [ -e "$b" ]; then
    echo "$b|unreadable||"
  else
    echo "$b|absent||"
  fi
done
if [ -x /usr/bin/xprotect ]; then echo 'tool|present'; else echo 'tool|absent'; fi
