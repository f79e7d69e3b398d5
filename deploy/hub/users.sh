#!/usr/bin/env bash
# Create the hub's local users (as root): deploy/hub/users.sh instructor|student NAME...
# Each gets a home folder and the role's Unix group (COURSE_INSTRUCTORS_GROUP / COURSE_STUDENTS_GROUP,
# as in jupyterhub_config.py). An existing user only joins the group. Set passwords with `passwd NAME`,
# or give HUB_PASSWORD to set that one password on every user created now (a trial only).
set -euo pipefail
role=${1:?usage: users.sh instructor|student NAME...}; shift
case "$role" in
  instructor) group=${COURSE_INSTRUCTORS_GROUP:-course-instructors} ;;
  student) group=${COURSE_STUDENTS_GROUP:-course-students} ;;
  *) echo "role must be instructor or student, not $role" >&2; exit 2 ;;
esac
getent group "$group" >/dev/null || groupadd "$group"
for name in "$@"; do
  if id "$name" >/dev/null 2>&1; then
    usermod --append --groups "$group" "$name"
    echo "$name: added to $group"
  else
    useradd --create-home --shell /bin/bash --groups "$group" "$name"
    chmod 0700 "$(getent passwd "$name" | cut -d: -f6)"  # an instructor's course dir and gradebook live there
    if [ -n "${HUB_PASSWORD:-}" ]; then echo "$name:$HUB_PASSWORD" | chpasswd; fi
    echo "$name: created in $group${HUB_PASSWORD:+ (password from HUB_PASSWORD)}"
  fi
done
