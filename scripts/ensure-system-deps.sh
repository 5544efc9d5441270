#!/bin/sh
# Install the Debian packages the tests need when they are missing (as root, with apt-get); otherwise say
# what to install. Called by `npm test` and by .ci/run.
#   notebooks: jupyter-nbconvert python3-nbclient python3-ipykernel (executed with /usr/bin/python3);
#     jupyter-client (`jupyter kernelspec list`) and jupyter-notebook (the interactive front end)
#   kernel labs: iproute2 memcached
#   kernel cost lab and Go lab: golang-go golang-golang-x-sync-dev (Go 1.19 and errgroup, built offline
#     in GOPATH mode)
#   report browser test: chromium (driven by playwright-core)
#   Slurm cluster test: slurm-wlm munge (a one-node cluster started by the test itself, as root)
set -eu
missing=""
/usr/bin/python3 -c 'import nbclient, nbconvert, ipykernel' >/dev/null 2>&1 ||
  missing="$missing jupyter-nbconvert python3-nbclient python3-ipykernel"
[ -x /usr/bin/jupyter-kernelspec ] || missing="$missing jupyter-client"
[ -x /usr/bin/jupyter-notebook ] || missing="$missing jupyter-notebook"
command -v ip >/dev/null 2>&1 || missing="$missing iproute2"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v memcached >/dev/null 2>&1 || [ -x /usr/bin/memcached ] || missing="$missing memcached"
{ command -v slurmctld && command -v slurmd && command -v sbatch; } >/dev/null 2>&1 || missing="$missing slurm-wlm"
command -v munged >/dev/null 2>&1 || [ -x /usr/sbin/munged ] || missing="$missing munge"
command -v go >/dev/null 2>&1 || missing="$missing golang-go"
[ -f /usr/share/gocode/src/golang.org/x/sync/errgroup/errgroup.go ] || missing="$missing golang-golang-x-sync-dev"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "error: missing Debian packages:$missing" >&2
  echo "install them with: sudo apt-get install -y --no-install-recommends$missing" >&2
  exit 1
fi
