# SPDX-License-Identifier: GPL-2.0
# Sourced by guest/plan-check.sh.  The ONNX conformance stage, guest
# part: every case scripts/onnx-conformance.py prepared on the host (an
# ONNX node test imported into a model, and its input in the device's
# layout) runs on the accelerator with aidrv-run --check, which also runs
# libaidrv's CPU reference and exits non-zero unless every output byte is
# equal; the outputs go to /results/onnx for the host to compare with
# ONNX's expected tensors (onnx-conformance.py compare).

onnx_stage() {
	local dir=$BUILD/onnx-conformance out=/results/onnx id model input n rc
	mkdir -p "$out"
	if [ ! -f "$dir/cases.txt" ]; then
		echo "onnx conformance: nothing prepared in $dir"
		return 0
	fi
	stamp "onnx conformance: $(wc -l <"$dir/cases.txt") cases"
	while read -r id model input n; do
		"$BUILD/libaidrv/aidrv-run" --check --raw -q -b "$n" \
			-w "$out/$id.out" "$dir/$model" "$dir/$input" >"$out/$id.log" 2>&1
		rc=$?
		echo "$rc" >"$out/$id.rc"
		printf '  %-48s %s\n' "$id" "$([ "$rc" -eq 0 ] && echo ran || echo "FAILED ($rc)")"
	done <"$dir/cases.txt"
}
