#!/usr/bin/env bash
# A throw-away single-node Slurm cluster on localhost (munged, slurmctld, slurmd), everything
# under one base directory, for the Slurm integration test and for trying the slurm/ scripts.
#
#   scripts/slurm_cluster.sh start BASE [CPUS]   start the daemons; prints `export SLURM_CONF=...`
#   scripts/slurm_cluster.sh stop BASE           cancel every job, stop the daemons it started
#   scripts/slurm_cluster.sh status BASE         exit 0 when the controller answers
#
# Needs root (the daemons run as root) and Debian's slurm-wlm and munge (scripts/setup.sh).
# Facts behind the settings: ../shared/SLURM-NOTES.md. Ports: MODESWEEP_SLURM_PORTS
# ("CTLD SLURMD", default "16817 16818", away from a real Slurm's 6817/6818).
set -euo pipefail

usage() {
  echo "usage: $0 start|stop|status BASE [CPUS]" >&2
  exit 2
}
[ $# -ge 2 ] || usage
action=$1
base=$(mkdir -p "$2" && cd "$2" && pwd)
cpus=${3:-4}
read -r ctld_port slurmd_port <<<"${MODESWEEP_SLURM_PORTS:-16817 16818}"
host=$(hostname -s)
export SLURM_CONF=$base/etc/slurm.conf

# Alive = exists and is not a zombie (a killed daemon lingers as one for a while).
alive() {
  local pid=$1 state
  [ -r "/proc/$pid/stat" ] || return 1
  state=$(sed -E 's/^[0-9]+ \(.*\) (.).*/\1/' "/proc/$pid/stat" 2>/dev/null) || return 1
  [ "$state" != Z ]
}

pid_of() { if [ -s "$1" ]; then cat "$1"; fi; }

port_busy() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

wait_for() {  # wait_for SECONDS COMMAND...
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}

write_config() {
  mkdir -p "$base"/{etc,munge,log,spool/slurmd,state,tmp,run}
  chmod 0755 "$base/munge"
  local node_line
  node_line=$(slurmd -C | head -1 | sed -E "s/^NodeName=[^ ]+/NodeName=$host NodeAddr=127.0.0.1/")
  node_line=$(sed -E "s/CPUs=[0-9]+/CPUs=$cpus/; s/ (Boards|SocketsPerBoard|CoresPerSocket|ThreadsPerCore)=[0-9]+//g" <<<"$node_line")
  cat >"$SLURM_CONF" <<EOF
ClusterName=modesweep-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$base/munge/munge.socket.2,cred_expire=5
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$base/log/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
SlurmdParameters=config_overrides
SlurmdSpoolDir=$base/spool/slurmd
StateSaveLocation=$base/state
TmpFS=$base/tmp
SlurmctldPidFile=$base/run/slurmctld.pid
SlurmdPidFile=$base/run/slurmd.pid
SlurmctldLogFile=$base/log/slurmctld.log
SlurmdLogFile=$base/log/slurmd.log
MailProg=/bin/true
ReturnToService=2
DependencyParameters=kill_invalid_depend
EnforcePartLimits=ALL
SchedulerParameters=batch_sched_delay=0,sched_interval=2,bf_interval=2
MinJobAge=600
$node_line State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}

start() {
  for p in "$ctld_port" "$slurmd_port"; do
    if port_busy "$p"; then
      echo "slurm_cluster: port $p is in use (another Slurm?); set MODESWEEP_SLURM_PORTS" >&2
      exit 1
    fi
  done
  write_config
  [ -s "$base/munge/munge.key" ] || mungekey --create --keyfile="$base/munge/munge.key" --force
  chmod 0600 "$base/munge/munge.key"
  munged --force --key-file="$base/munge/munge.key" --socket="$base/munge/munge.socket.2" \
    --pid-file="$base/run/munged.pid" --log-file="$base/log/munged.log" \
    --seed-file="$base/munge/munged.seed"
  wait_for 10 test -S "$base/munge/munge.socket.2" || {
    echo "slurm_cluster: munged did not start (see $base/log/munged.log)" >&2
    exit 1
  }
  slurmctld
  slurmd -N "$host"
  # slurmctld daemonizes before it can fail: ask it.
  if ! wait_for 20 scontrol ping; then
    echo "slurm_cluster: slurmctld does not answer (see $base/log/slurmctld.log)" >&2
    stop
    exit 1
  fi
  if ! wait_for 20 bash -c "sinfo -h -N -o '%T' | grep -Eq '^(idle|mixed|allocated)'"; then
    echo "slurm_cluster: node $host not up (see $base/log/slurmd.log)" >&2
    stop
    exit 1
  fi
  echo "export SLURM_CONF=$SLURM_CONF"
}

stop() {
  # slurmd leaves running jobs alone on SIGTERM: cancel them first.
  if [ -f "$SLURM_CONF" ] && scontrol ping >/dev/null 2>&1; then
    scancel --full --quiet --user="$(id -un)" 2>/dev/null || true
    wait_for 15 bash -c "[ -z \"\$(squeue -h -t running,completing,pending -o %i)\" ]" || true
  fi
  local name pid
  for name in slurmd slurmctld munged; do
    pid=$(pid_of "$base/run/$name.pid")
    [ -n "$pid" ] || continue
    if alive "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      wait_for 10 bash -c "! grep -q . /proc/$pid/stat 2>/dev/null || grep -Eq '^[0-9]+ \(.*\) Z' /proc/$pid/stat" ||
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$base/run/$name.pid"
  done
}

case "$action" in
  start) start ;;
  stop) stop ;;
  status) scontrol ping ;;
  *) usage ;;
esac
