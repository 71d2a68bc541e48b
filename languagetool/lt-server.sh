#!/bin/sh
# Start LanguageTool's HTTP server from the jars that `make languagetool` resolved with Maven.
#
#   languagetool/lt-server.sh --port PORT [--parent-pid PID] [--jars DIR] [--java JAVA] [--public]
#
# The script ends by exec'ing java, so its pid is the server's pid. With --parent-pid, a small
# watchdog stops the server when that process is gone (make, pytest or the lint server died
# without cleaning up). It listens on 127.0.0.1 only, unless --public (one LanguageTool shared
# by several lint servers on a private network: docs/deploy.md). Its log never holds email
# text: LanguageTool logs only lengths unless started with --verbose, which we never pass.
set -eu
here=$(CDPATH= cd "$(dirname "$0")" && pwd)
port=8081
parent=""
public=""
jars="${TWOWAY_LANGUAGETOOL_JARS:-$here/../.cache/languagetool/lib}"
java="${TWOWAY_JAVA:-java}"
heap="${TWOWAY_LANGUAGETOOL_HEAP:-768m}"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port=$2; shift 2 ;;
    --parent-pid) parent=$2; shift 2 ;;
    --jars) jars=$2; shift 2 ;;
    --java) java=$2; shift 2 ;;
    --public) public="--public"; shift ;;
    *) echo "lt-server.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if ! ls "$jars"/languagetool-server-*.jar >/dev/null 2>&1; then
  echo "lt-server.sh: no LanguageTool jars in $jars (run: make languagetool)" >&2
  exit 3
fi
if [ -n "$parent" ]; then
  # $$ is this shell's pid, which the exec below hands to java.
  (
    while kill -0 "$parent" 2>/dev/null && kill -0 $$ 2>/dev/null; do sleep 1; done
    kill $$ 2>/dev/null || true
  ) </dev/null >/dev/null 2>&1 &
fi
# custom/ first: it holds Two-Way's grammar_custom.xml, which LanguageTool loads from the class path.
exec "$java" -Xms64m -Xmx"$heap" -XX:+UseSerialGC -Xss2m -Dfile.encoding=UTF-8 \
  -cp "$here/custom:$jars/*" org.languagetool.server.HTTPServer \
  --port "$port" --config "$here/server.properties" $public
