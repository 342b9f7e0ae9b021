#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft) run from its Maven Central jars.
#   kafka.sh fetch        download the broker's jars into the cache (once)
#   kafka.sh run          format storage if new, then run the broker in the
#                         foreground (SIGTERM stops it cleanly)
#   kafka.sh ready [SEC]  exit 0 once the broker answers, waiting up to SEC (0)
# Env: KAFKA_PORT (19092), KAFKA_CONTROLLER_PORT (19093), KAFKA_HEAP (512m),
#      KAFKA_DATA_DIR ($cache/data/kafka), TEXTBUS_CACHE (~/.cache/textbus).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/kafka" && pwd)
cache=${TEXTBUS_CACHE:-$HOME/.cache/textbus}
port=${KAFKA_PORT:-19092}
ctl_port=${KAFKA_CONTROLLER_PORT:-19093}
data=${KAFKA_DATA_DIR:-$cache/data/kafka}
heap=${KAFKA_HEAP:-512m}

version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")
# Keyed on the pom's content, so any change to the classpath gets a fresh dir.
dist=$cache/kafka-$version-$(sha256sum "$here/pom.xml" | cut -c1-8)
libs=$dist/libs

fetch() {
  [[ -e $dist/.complete ]] && return 0
  mkdir -p "$dist"
  # Locked in a subshell so that two runs starting at once don't interleave,
  # and the lock is not inherited by the broker that run execs.
  (
    flock 9
    [[ -e $dist/.complete ]] && exit 0
    rm -rf "$libs"
    # Run Maven on a copy so that nothing (target/) is written into the repo.
    cp "$here/pom.xml" "$dist/pom.xml"
    # jansi.noreset: Debian's Maven 3.8 -q still prints stray ANSI resets.
    MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true" mvn -q -B -f "$dist/pom.xml" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs" >&2
    # Written last: an interrupted fetch has no marker and is redone.
    touch "$dist/.complete"
  ) 9>"$dist/.lock"
}

# Short-lived tools: a small heap and C1 only start fastest.
tool() { java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$libs/*" "$@"; }

run() {
  fetch
  mkdir -p "$data"
  # log.dirs must not depend on the caller's cwd.
  data=$(cd "$data" && pwd)
  sed -e "s|@PORT@|$port|g" -e "s|@CONTROLLER_PORT@|$ctl_port|g" -e "s|@DATA_DIR@|$data|g" \
    "$here/server.properties" >"$data/server.properties"
  if [[ ! -e $data/log/meta.properties ]]; then
    tool kafka.tools.StorageTool format --ignore-formatted -c "$data/server.properties" \
      -t "$(tool kafka.tools.StorageTool random-uuid)"
  fi
  # G1 with short pauses as Kafka's own start script uses; exit on OOM so the
  # supervisor restarts a broker that would otherwise limp along. log4j's own
  # shutdown hook is off: it would stop logging before Kafka's hook logs the
  # shutdown, hiding whether a stop was clean.
  exec java -Xms"$heap" -Xmx"$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$here/log4j2.xml" \
    -Dlog4j2.shutdownHookEnabled=false \
    -cp "$libs/*" kafka.Kafka "$data/server.properties"
}

# A real Kafka round trip without a JVM: send ApiVersions v0 (correlation id 1,
# no client id) and expect a response carrying correlation id 1 and error 0.
# An open port alone would also pass for another program (or a stale broker of
# another checkout) holding the port; this needs a Kafka broker that serves.
answers() {
  local reply
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf '\x00\x00\x00\x0a\x00\x12\x00\x00\x00\x00\x00\x01\xff\xff' >&3
  reply=$(timeout 2 head -c 10 <&3 | od -An -tx1 | tr -d ' \n') || true
  exec 3>&-
  [[ ${reply:8:12} == 000000010000 ]]
}

ready() {
  local deadline=$((SECONDS + ${1:-0}))
  until answers 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

case ${1:-} in
  fetch) fetch ;;
  run) run ;;
  ready) ready "${2:-0}" ;;
  *) sed -n '2,8s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
esac
