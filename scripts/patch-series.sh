#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# patch-series.sh [OUTDIR]: "make patch".  Writes the driver as a patch
# series against the pristine Linux tree (scripts/kernel-pristine.sh)
# into OUTDIR (default build/patches): a cover letter and one patch per
# line of scripts/patch-series/series, each adding its files where
# KERNEL_PLACES (lib.sh) puts them, with the Kbuild and Kconfig lines
# they need (patch-series-stage.py), the Documentation/accel index entry
# with the chapter and the MAINTAINERS entry (this repository's
# MAINTAINERS) last.  Authorship and Signed-off-by are the maintainer's
# (MAINTAINERS); dates are HEAD's, so the output is reproducible.

. "$(dirname "$0")/lib.sh"

need_pkgs git
out=${1:-$BUILD_DIR/patches}
series=$AIACCEL_TOP/scripts/patch-series
pristine=$("$AIACCEL_TOP/scripts/kernel-pristine.sh")
# The author and Signed-off-by are the maintainer of MAINTAINERS, not
# whoever runs this: the output must not depend on the machine's git
# configuration (a fresh machine has none).
maint=$(sed -n 's/^M:[[:space:]]*//p' "$AIACCEL_TOP/MAINTAINERS" | head -n1)
name=${maint% <*}
email=${maint##*<}
email=${email%>}
[ -n "$name" ] && [ -n "$email" ] || die "no maintainer (M:) in MAINTAINERS"
date=$(git -C "$AIACCEL_TOP" log -1 --format=%aD)
export GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email GIT_AUTHOR_DATE=$date
export GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email GIT_COMMITTER_DATE=$date

# The series is committed in a scratch repository holding the pristine
# versions of the tree's files it changes: the diffs (and their blob ids)
# are those of the full tree.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tree=$work/tree
touched=(drivers/accel/Kconfig drivers/accel/Makefile Documentation/accel/index.rst MAINTAINERS)
git init -q "$tree"
for f in "${touched[@]}"; do
	mkdir -p "$tree/$(dirname "$f")"
	cp "$pristine/$f" "$tree/$f"
done
git -C "$tree" add -A
git -C "$tree" commit -q -m base

# The table: "name pattern..." per patch, continuation lines indented.
declare -a names=()
declare -A patterns=()
while IFS= read -r line; do
	case $line in '#'* | '') continue ;; esac
	if [[ $line =~ ^[[:space:]] ]]; then
		patterns[${names[-1]}]+=" $line"
	else
		read -r n rest <<<"$line"
		names+=("$n")
		patterns[$n]=$rest
	fi
done <"$series/series"

# Every file to place, to the first patch whose patterns match it.
declare -A files=()
declare -a extra=()
while read -r repo_path tree_path; do
	found=
	for n in "${names[@]}"; do
		set -f
		# shellcheck disable=SC2206
		pats=(${patterns[$n]})
		set +f
		for pat in "${pats[@]}"; do
			# shellcheck disable=SC2053
			if [[ $repo_path == $pat ]]; then
				files[$n]+=" $repo_path:$tree_path"
				found=1
				break 2
			fi
		done
	done
	if [ -z "$found" ]; then
		n=extra-$(basename "$repo_path")
		extra+=("$n")
		files[$n]=" $repo_path:$tree_path"
	fi
done < <(kernel_files)
order=()
for n in "${names[@]}"; do
	[ "$n" = maintainers ] && order+=("${extra[@]}")
	[ "$n" = - ] || order+=("$n")
done

drv=drivers/accel/aiaccel
for n in "${order[@]}"; do
	for pair in ${files[$n]:-}; do
		mkdir -p "$tree/$(dirname "${pair#*:}")"
		cp "$AIACCEL_TOP/${pair%%:*}" "$tree/${pair#*:}"
	done
	if [ "$n" = maintainers ]; then
		/usr/bin/python3 - "$AIACCEL_TOP/MAINTAINERS" "$tree/MAINTAINERS" <<-'EOF'
		import sys
		entry = open(sys.argv[1]).read().strip("\n").split("\n")
		lines = open(sys.argv[2]).read().split("\n")
		# Sections are sorted by title after the "Maintainers List" header;
		# a title is a line following an empty one.
		start = next(i for i, l in enumerate(lines) if l.startswith("Maintainers List"))
		for i in range(start + 2, len(lines)):
		    if lines[i] and not lines[i - 1] and lines[i][1:2] != ":" \
		       and lines[i] > entry[0] and lines[i] == lines[i].upper():
		        lines[i:i] = entry + [""]
		        break
		open(sys.argv[2], "w").write("\n".join(lines))
		EOF
	fi
	[ -d "$tree/$drv" ] && /usr/bin/python3 "$AIACCEL_TOP/scripts/patch-series-stage.py" "$tree" \
			"$AIACCEL_TOP/$drv/Makefile" "$AIACCEL_TOP/$drv/Kconfig"
	if [ -f "$tree/$drv/Kconfig" ]; then
		insert_sorted "$tree/drivers/accel/Kconfig" "$ACCEL_KCONFIG_LINE" "$ACCEL_KCONFIG_PAT"
		insert_sorted "$tree/drivers/accel/Makefile" "$ACCEL_MAKEFILE_LINE" "$ACCEL_MAKEFILE_PAT"
	fi
	if [ -f "$tree/Documentation/accel/aiaccel/index.rst" ]; then
		insert_sorted "$tree/Documentation/accel/index.rst" "$ACCEL_DOC_LINE" "$ACCEL_DOC_PAT"
	fi
	git -C "$tree" add -A
	if git -C "$tree" diff --cached --quiet; then
		die "patch $n of the series is empty"
	fi
	msg=$series/$n.msg
	if [ -f "$msg" ]; then
		cp "$msg" "$work/msg"
	else
		printf 'accel/aiaccel: add %s\n\n%s is not in scripts/patch-series/series yet.\n' \
			"${n#extra-}" "${files[$n]# }" >"$work/msg"
	fi
	printf '\nSigned-off-by: %s <%s>\n' "$name" "$email" >>"$work/msg"
	git -C "$tree" commit -q -F "$work/msg"
done

rm -rf "$out"
mkdir -p "$out"
git -C "$tree" format-patch -q --cover-letter --thread=shallow -o "$out" HEAD~${#order[@]}
# The cover letter's subject and blurb from cover.msg.
/usr/bin/python3 - "$out"/0000-cover-letter.patch "$series/cover.msg" <<'EOF'
import sys
path, msg = sys.argv[1:3]
subject, _, body = open(msg).read().partition("\n\n")
text = open(path).read()
text = text.replace("*** SUBJECT HERE ***", subject.strip())
text = text.replace("*** BLURB HERE ***", body.strip())
open(path, "w").write(text)
EOF
ls "$out"
log "patch series: $(( $(ls "$out" | wc -l) - 1 )) patches and a cover letter in $out"
