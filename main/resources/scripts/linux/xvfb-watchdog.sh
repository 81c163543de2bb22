#!/bin/sh
# Shell watchdog around Xvfb (main/platform/node/input-xvfb.ts): Xvfb runs with the arguments
# given here until the caller's end of our stdin pipe closes — close(), or the calling process
# exiting in any way (even killed) — then it is stopped, so no Xvfb is left behind.
command -v Xvfb >/dev/null 2>&1 || { echo "Xvfb is not installed" >&2; exit 127; }
# A background job's stdin is /dev/null in sh: keep ours on fd 9 for the watchdog.
exec 9<&0
Xvfb "$@" & x=$!
(cat <&9 >/dev/null; kill $x 2>/dev/null) &
wait $x
