# Kernel controls with raw writes (no camflow ctl): the "process" and "file"
# files, the security.provenance xattr (through /usr/bin/prov-xattr), the
# target lists, policy_hash, commit and abi_version; then their effect on
# the recorded graph with all=0.  Results go to /out/kc.txt as "KEY VALUE"
# lines: hex dumps of what the kernel returned, "ok" or "err <strerror>".
P=/sys/kernel/security/provenance
O=/out/kc.txt
: >"$O"
W=/tmp/kcw
mkdir -p "$W"
chmod 755 "$W"
K=/tmp/kc
mkdir -p "$K"
chmod 1777 "$K"

# le VALUE BYTES: VALUE in little endian
le() {
	local v=$1 n=$2 b
	while [ "$n" -gt 0 ]; do
		b=$((v & 255))
		printf "\\$((b >> 6))$(((b >> 3) & 7))$((b & 7))"
		v=$((v >> 8))
		n=$((n - 1))
	done
}
z() { head -c "$1" /dev/zero; }
hex() { od -An -tx1 -v | tr -d ' \n'; }
put() { echo "$*" >>"$O"; }

# wr FILE PAYLOAD [BS]: write the payload in one write (or BS-byte writes)
wr() {
	if err=$(dd if="$2" of="$P/$1" bs="${3:-65536}" conv=notrunc 2>&1 >/dev/null); then
		echo ok
	else
		echo "err $(echo "$err" | sed -n "s/^dd: .*': //p")"
	fi
}
# ask FILE PAYLOAD: write a query and read the answer on the same open file
ask() {
	exec 3<>"$P/$1"
	if err=$(dd if="$2" bs=65536 count=1 2>&1 >&3); then
		dd bs=4096 count=1 <&3 2>/dev/null | hex
		echo
	else
		echo "err $(echo "$err" | sed -n "s/^dd: .*': //p")"
	fi
	exec 3>&-
}

# struct prov_process_config: vpid, op, flags, taint [reserved, reserved2]
pcfg() { le "$1" 4; le "$2" 1; le "${5:-0}" 3; le "$3" 4; le "${6:-0}" 4; le "$4" 8; }
# struct prov_file_config: fd, op, flags, taint, path [reserved]
fcfg() {
	le "$1" 4; le "$2" 1; le "${6:-0}" 3; le "$3" 4
	printf '%s' "$5" | wc -c | { read -r n; le "$n" 4; }
	le "$4" 8
	printf '%s' "$5"
}
# struct prov_userinfo / prov_groupinfo: id, op [taint reserved]
ucfg() { le "$1" 4; le "$2" 1; le "${4:-0}" 3; le "${3:-0}" 8; }
# struct prov_nsinfo: cgroupns, op [utsns]
ncfg() { le "${3:-0}" 4; z 16; le "$1" 4; le "$2" 1; z 7; z 8; }
# struct prov_secinfo: context, op [len]
scfg() {
	n=$3
	[ -n "$n" ] || n=$(printf '%s' "$1" | wc -c)
	le 0 4; le "$n" 4; le "$2" 1; z 7; z 8
	printf '%s' "$1"
	z $((256 - $(printf '%s' "$1" | wc -c)))
}
# struct prov_ipv4_filter: "a b c d" ip, "a b c d" mask, port, op
icfg() {
	for b in $1 $2; do le "$b" 1; done
	le $(($3 >> 8)) 1; le $(($3 & 255)) 1
	le "$4" 1; z 5; z 8
}

# --- files, modes and the text files --------------------------------------
for f in process file uid gid ns secctx_filter ipv4_ingress ipv4_egress policy_hash commit abi_version; do
	put "mode $f $(stat -c %a "$P/$f" 2>/dev/null || echo missing)"
done
put "abi_version $(hex <"$P/abi_version")"
put "commit $(hex <"$P/commit")"

# --- gate: the capture state and the live tracked objects -------------------
put "gate-mode $(stat -c %a "$P/gate" 2>/dev/null || echo missing)"
put "gate-whole $(hex <"$P/gate")"
echo 0 >"$P/all"
put "gate-nothing $(hex <"$P/gate")"
sleep 1000 &
G=$!
pcfg "$G" 1 1 0 >"$W/g-track"
put "gate-track $(ask process "$W/g-track")"
put "gate-tracked $(hex <"$P/gate")"
kill "$G"
wait "$G" 2>/dev/null
# its cred and task are freed after an RCU grace period
n=0
while [ "$(hex <"$P/gate")" != 01000000000000000000000000000000 ] && [ $n -lt 20 ]; do
	sleep 0.5
	n=$((n + 1))
done
put "gate-gone $(hex <"$P/gate")"
put "gate-write $(printf 1 2>&1 >"$P/gate" && echo ok || echo refused)"
echo 1 >"$P/all"

# --- process ----------------------------------------------------------------
sleep 1000 &
S=$!
put "sleeper $S"
pcfg "$S" 0 0 0 >"$W/p-query"
put "p-query-root $(ask process "$W/p-query")"
pcfg "$S" 13 5 10752 >"$W/p-set"                 # TRACKED|PROPAGATE|TAINT
put "p-set $(ask process "$W/p-set")"
put "p-query-after $(ask process "$W/p-query")"
pcfg "$S" 1 0 0 >"$W/p-untrack"                  # clear TRACKED only
put "p-untrack $(ask process "$W/p-untrack")"
pcfg "$S" 2 2 0 >"$W/p-opaque"
put "p-opaque $(ask process "$W/p-opaque")"
pcfg "$S" 2 0 0 >"$W/p-unopaque"
put "p-unopaque $(ask process "$W/p-unopaque")"
pcfg "$S" 0 0 0 | head -c 23 >"$W/p-short"
{ pcfg "$S" 0 0 0; z 1; } >"$W/p-long"
pcfg "$S" 16 0 0 >"$W/p-op-delete"
pcfg "$S" 1 256 0 >"$W/p-bad-flags"
pcfg "$S" 1 1 0 1 >"$W/p-reserved"
pcfg "$S" 1 1 0 0 1 >"$W/p-reserved2"
pcfg 999999 0 0 0 >"$W/p-no-such"
pcfg 0 0 0 0 >"$W/p-zero"
for c in p-short p-long p-op-delete p-bad-flags p-reserved p-reserved2 p-no-such p-zero; do
	put "$c $(ask process "$W/$c")"
done
put "p-read-first $(dd bs=48 count=1 <"$P/process" 2>&1 >/dev/null | sed -n 's/.*: //p' | head -1)"

# --- file --------------------------------------------------------------------
echo "one" >"$K/f1"
chmod 644 "$K/f1"
fcfg -1 0 0 0 "$K/f1" >"$W/f-query"
put "f-query-root $(ask file "$W/f-query")"
(cd "$K" && fcfg -1 0 0 0 f1 >"$W/f-query-rel" && put "f-query-rel $(ask file "$W/f-query-rel")")
fcfg 4 0 0 0 "" >"$W/f-query-fd"
exec 4<"$K/f1"
exec 3<>"$P/file"
dd if="$W/f-query-fd" bs=24 count=1 >&3 2>/dev/null
put "f-query-fd $(dd bs=48 count=1 <&3 2>/dev/null | hex)"
exec 3>&- 4<&-
fcfg -1 9 1 42 "$K/f1" >"$W/f-set"              # TRACKED|TAINT
put "f-set $(ask file "$W/f-set")"
fcfg -1 1 0 0 "$K/f1" >"$W/f-untrack"
put "f-untrack $(ask file "$W/f-untrack")"
fcfg -1 0 0 0 "$K/f1" | head -c 30 >"$W/f-short-path"
{ fcfg -1 0 0 0 "$K/f1"; z 1; } >"$W/f-long-path"
fcfg -1 0 0 0 "" >"$W/f-no-path"
fcfg 0 0 0 0 "$K/f1" >"$W/f-fd-and-path"
fcfg -2 0 0 0 "$K/f1" >"$W/f-fd-minus-two"
fcfg -1 0 0 0 "$K/f1" 1 >"$W/f-reserved"
fcfg -1 16 0 0 "$K/f1" >"$W/f-op-delete"
fcfg -1 0 0 0 "$K/no-such-file" >"$W/f-missing"
fcfg 99 0 0 0 "" >"$W/f-bad-fd"
printf 'short' >"$W/f-tiny"
fcfg -1 0 0 0 "/$(head -c 4095 /dev/zero | tr '\0' 'a')" >"$W/f-path-max"
ln -s "$K/f1" "$K/f1-link"
fcfg -1 0 0 0 "$K/f1-link" >"$W/f-query-link"
put "f-query-link $(ask file "$W/f-query-link")"
{ fcfg -1 0 0 0 "$K/f1x" | head -c 34; printf '\000'; } >"$W/f-nul"
for c in f-short-path f-long-path f-no-path f-fd-and-path f-fd-minus-two f-reserved f-op-delete f-missing f-bad-fd f-tiny f-nul f-path-max; do
	put "$c $(ask file "$W/$c")"
done

# --- as a user: queries work, changes are refused -----------------------------
cat >/tmp/kc-user.sh <<'USER'
P=/sys/kernel/security/provenance
hex() { od -An -tx1 -v | tr -d ' \n'; }
ask() {
	exec 3<>"$P/$1"
	if err=$(dd if="$2" bs=65536 count=1 2>&1 >&3); then
		dd bs=4096 count=1 <&3 2>/dev/null | hex
		echo
	else
		echo "err $(echo "$err" | sed -n "s/^dd: .*': //p")"
	fi
	exec 3>&-
}
echo "user-p-query $(ask process /tmp/kcw/p-query)"
echo "user-p-set $(ask process /tmp/kcw/p-set)"
echo "user-f-query $(ask file /tmp/kcw/f-query)"
echo "user-f-set $(ask file /tmp/kcw/f-set)"
# the lists are 0644: a user cannot open them for writing
if err=$(dd if=/tmp/kcw/t-uid of=$P/uid bs=65536 conv=notrunc 2>&1 >/dev/null); then
	echo "user-open-uid ok"
else
	echo "user-open-uid err $(echo "$err" | sed -n "s/^dd: .*': //p")"
fi
echo "user-xattr-set $(prov-xattr set /tmp/kc/f1 "$(cat /tmp/kcw/x-opaque.hex)")"
echo "user-xattr-get $(prov-xattr get /tmp/kc/f1)"
echo "user-foreign-xattr $(prov-xattr set /tmp/kc/u1 00 security.other)"
echo "user-policy-hash $(od -An -tx1 -v /sys/kernel/security/provenance/policy_hash | tr -d ' \n')"
USER
chmod 755 /tmp/kc-user.sh
ucfg 1000 1 >"$W/t-uid"
ucfg 1000 1 >"$W/t-gid"
ncfg 77 1 >"$W/t-ns"
scfg "system_u:object_r:kc_t" 1 >"$W/t-secctx_filter"
icfg "10 1 2 3" "255 255 0 0" 80 1 >"$W/t-ipv4_ingress"
icfg "10 1 2 3" "255 255 0 0" 80 1 >"$W/t-ipv4_egress"

# --- security.provenance -----------------------------------------------------
x_state() { # flags taint [reserved]: a struct prov_object_state in hex
	{ z 32; le "$1" 4; le "${3:-0}" 4; le "$2" 8; } | hex
}
put "x-get $(prov-xattr get "$K/f1")"
x_state 2 256 >"$W/x-opaque.hex"
put "x-set-opaque $(prov-xattr set "$K/f1" "$(cat "$W/x-opaque.hex")")"
put "x-get-opaque $(prov-xattr get "$K/f1")"
put "x-set-clear $(prov-xattr set "$K/f1" "$(x_state 0 0)")"
put "x-get-clear $(prov-xattr get "$K/f1")"
put "x-set-short $(prov-xattr set "$K/f1" "$(x_state 1 0 | cut -c3-)")"
put "x-set-reserved $(prov-xattr set "$K/f1" "$(x_state 1 0 1)")"
put "x-set-bad-flags $(prov-xattr set "$K/f1" "$(x_state 16 0)")"
put "x-get-after-bad $(prov-xattr get "$K/f1")"
echo "u1" >"$K/u1"
chown user "$K/u1"
put "x-foreign-root $(prov-xattr set "$K/u1" 00 security.other)"
chmod 644 "$W"/*
su user -c "sh /tmp/kc-user.sh" >>"$O" 2>>/out/kc-user.stderr
# a list opened by root, written by a user: the capability check refuses
for f in uid gid ns secctx_filter ipv4_ingress ipv4_egress; do
	su user -c "if err=\$(dd if=/tmp/kcw/t-$f bs=65536 count=1 2>&1 >&5); then echo user-$f ok; else echo user-$f err \$(echo \"\$err\" | sed -n \"s/^dd: .*': //p\"); fi" 5>>"$P/$f" >>"$O" 2>>/out/kc-user.stderr
done

# --- target lists --------------------------------------------------------------
lst() { put "list-$1-$2 $(hex <"$P/$1")"; }
ucfg 1000 1 >"$W/u-1000-t"
ucfg 5 2 >"$W/u-5-o"
ucfg 3 5 >"$W/u-3-tp"
ucfg 5 1 >"$W/u-5-t"
ucfg 5 16 >"$W/u-5-del"
put "uid-add-1000 $(wr uid "$W/u-1000-t")"
put "uid-add-5 $(wr uid "$W/u-5-o")"
put "uid-add-3 $(wr uid "$W/u-3-tp")"
lst uid three
put "uid-replace-5 $(wr uid "$W/u-5-t")"
lst uid replaced
put "uid-del-5 $(wr uid "$W/u-5-del")"
lst uid deleted
put "uid-del-5-again $(wr uid "$W/u-5-del")"
ucfg 7 0 >"$W/u-op0"
ucfg 7 4 >"$W/u-op-prop-only"
ucfg 7 32 >"$W/u-op-record"
ucfg 7 3 >"$W/u-op-track-opaque"
ucfg 7 1 0 1 >"$W/u-reserved"
ucfg 7 1 1 >"$W/u-taint"
ucfg 7 1 | head -c 15 >"$W/u-short"
{ ucfg 7 1; z 1; } >"$W/u-long"
for c in u-op0 u-op-prop-only u-op-record u-op-track-opaque u-reserved u-taint u-short u-long; do
	put "$c $(wr uid "$W/$c")"
done
ucfg 1000 16 >"$W/u-1000-del"
put "uid-del-1000 $(wr uid "$W/u-1000-del")"
put "uid-del-3 $(ucfg 3 16 >"$W/u-3-del"; wr uid "$W/u-3-del")"
lst uid empty

# the bound: 256 groups in one dd (one write each), then one more
i=1
: >"$W/g-256"
while [ $i -le 256 ]; do ucfg $((i * 10)) 1 >>"$W/g-256"; i=$((i + 1)); done
put "gid-fill $(wr gid "$W/g-256" 16)"
put "gid-count $(wc -c <"$P/gid")"
ucfg 5 1 >"$W/g-5"
put "gid-257th $(wr gid "$W/g-5")"
ucfg 100 5 >"$W/g-100-tp"
put "gid-replace-when-full $(wr gid "$W/g-100-tp")"
put "gid-entry-100 $(dd if="$P/gid" bs=16 skip=9 count=1 2>/dev/null | hex)"
i=1
: >"$W/g-del"
while [ $i -le 256 ]; do ucfg $((i * 10)) 16 >>"$W/g-del"; i=$((i + 1)); done
put "gid-empty $(wr gid "$W/g-del" 16)"
put "gid-count-after $(wc -c <"$P/gid")"

# (not the namespace the VM runs in: an entry would track every task)
ncfg 77 1 >"$W/n-add"
ncfg 0 1 >"$W/n-zero"
ncfg 77 1 | head -c 39 >"$W/n-short"
put "ns-add $(wr ns "$W/n-add")"
lst ns one
put "ns-zero $(wr ns "$W/n-zero")"
put "ns-short $(wr ns "$W/n-short")"
put "ns-del $(ncfg 77 16 >"$W/n-del"; wr ns "$W/n-del")"

scfg "system_u:object_r:kc_t" 1 >"$W/s-add"
scfg "system_u:object_r:kc_t" 1 5 >"$W/s-bad-len"
scfg "" 1 >"$W/s-empty"
{ le 0 4; le 256 4; le 1 1; z 15; head -c 256 /dev/zero | tr '\0' 'a'; } >"$W/s-no-nul"
put "secctx-add $(wr secctx_filter "$W/s-add")"
lst secctx_filter one
put "secctx-bad-len $(wr secctx_filter "$W/s-bad-len")"
put "secctx-empty $(wr secctx_filter "$W/s-empty")"
put "secctx-no-nul $(wr secctx_filter "$W/s-no-nul")"
put "secctx-del $(scfg "system_u:object_r:kc_t" 16 >"$W/s-del"; wr secctx_filter "$W/s-del")"

icfg "10 1 2 3" "255 255 0 0" 80 1 >"$W/i-add"
icfg "10 1 2 3" "255 0 255 0" 80 1 >"$W/i-bad-mask"
icfg "10 1 2 3" "255 255 0 0" 80 2 >"$W/i-opaque"
icfg "192 168 1 0" "255 255 255 0" 443 33 >"$W/i-record"
icfg "10 1 9 9" "255 255 0 0" 80 16 >"$W/i-del"
put "ipv4-add $(wr ipv4_ingress "$W/i-add")"
put "ipv4-add-record $(wr ipv4_ingress "$W/i-record")"
lst ipv4_ingress two
put "ipv4-bad-mask $(wr ipv4_ingress "$W/i-bad-mask")"
put "ipv4-opaque $(wr ipv4_ingress "$W/i-opaque")"
put "ipv4-egress-add $(wr ipv4_egress "$W/i-record")"
lst ipv4_egress one
put "ipv4-del-same-key $(wr ipv4_ingress "$W/i-del")"
lst ipv4_ingress after-del
put "ipv4-del-record $(icfg "192 168 1 0" "255 255 255 0" 443 16 >"$W/i-del2"; wr ipv4_ingress "$W/i-del2")"
put "ipv4-egress-del $(wr ipv4_egress "$W/i-del2")"

# --- policy hash ---------------------------------------------------------------
ph() { hex <"$P/policy_hash"; }
policy() { # the state the hash covers, for the host to recompute it
	for f in enable all should_version compress_node compress_edge duplicate; do
		printf '%s ' "$(cat "$P/$f")"
	done
	for f in node_filter derived_filter generated_filter used_filter informed_filter \
		propagate_node_filter propagate_derived_filter propagate_generated_filter \
		propagate_used_filter propagate_informed_filter; do
		printf '%s ' "$(hex <"$P/$f")"
	done
	echo
}
put "hash-empty $(ph)"
put "policy-empty $(policy)"
ucfg 1000 1 >"$W/h-u1000"; ucfg 7 5 >"$W/h-u7"; ucfg 50 2 >"$W/h-g50"
ncfg 123 1 >"$W/h-ns"; scfg "a_t" 1 >"$W/h-sa"; scfg "b_t" 1 >"$W/h-sb"
icfg "10 0 0 0" "255 0 0 0" 0 1 >"$W/h-in"; icfg "192 168 1 0" "255 255 255 0" 443 33 >"$W/h-eg"
order_a() {
	wr uid "$W/h-u1000"; wr uid "$W/h-u7"; wr gid "$W/h-g50"; wr ns "$W/h-ns"
	wr secctx_filter "$W/h-sa"; wr secctx_filter "$W/h-sb"
	wr ipv4_ingress "$W/h-in"; wr ipv4_egress "$W/h-eg"
}
order_b() {
	wr ipv4_egress "$W/h-eg"; wr secctx_filter "$W/h-sb"; wr ns "$W/h-ns"
	wr secctx_filter "$W/h-sa"; wr uid "$W/h-u7"; wr ipv4_ingress "$W/h-in"
	wr gid "$W/h-g50"; wr uid "$W/h-u1000"
}
clear_all() {
	for e in uid:h-u1000 uid:h-u7 gid:h-g50 ns:h-ns secctx_filter:h-sa secctx_filter:h-sb \
		ipv4_ingress:h-in ipv4_egress:h-eg; do
		f=${e%%:*}
		size=$(wc -c <"$W/${e#*:}")
		case $f in
		uid|gid) off=4 ;; ns) off=24 ;; secctx_filter) off=8 ;; *) off=10 ;;
		esac
		{ head -c $off "$W/${e#*:}"; le 16 1; tail -c $((size - off - 1)) "$W/${e#*:}"; } >"$W/del"
		wr "$f" "$W/del"
	done
}
put "order-a $(order_a | tr '\n' ' ')"
put "hash-a $(ph)"
put "lists-a $(for f in uid gid ns secctx_filter ipv4_ingress ipv4_egress; do printf '%s:%s ' $f "$(hex <"$P/$f")"; done)"
put "clear-a $(clear_all | tr '\n' ' ')"
put "hash-cleared $(ph)"
put "order-b $(order_b | tr '\n' ' ')"
put "hash-b $(ph)"
{ le 262144 8; le 262144 8; le 1 1; z 7; } >"$W/filter-iattr-add"
{ le 262144 8; le 262144 8; le 0 1; z 7; } >"$W/filter-iattr-del"
put "filter-add $(wr node_filter "$W/filter-iattr-add")"
put "hash-filter $(ph)"
put "filter-del $(wr node_filter "$W/filter-iattr-del")"
put "hash-filter-removed $(ph)"
put "clear-b $(clear_all | tr '\n' ' ')"
put "hash-end $(ph)"

# --- effects in the graph, with all=0 -------------------------------------------
echo 0 >"$P/all"
put "all $(cat "$P/all")"
echo "tracked input" >"$K/track-in"
echo "untracked input" >"$K/untracked-in"
echo "visible" >"$K/visible"
echo "secret" >"$K/secret"
echo "taint source" >"$K/taint-src"
# created now: a propagating process creating a file would taint the
# directory, and through path lookups everything that uses it
: >"$K/taint-out"
: >"$K/taint-down"
chmod 644 "$K"/*
chmod 666 "$K/taint-out"
mkfifo "$K/go"

# run_as_tracked OP FLAGS TAINT COMMAND: a subshell waits on a fifo until
# the process file changed it, then runs COMMAND
run_changed() {
	( read -r x <"$K/go"; eval "$4" ) &
	pid=$!
	pcfg "$pid" "$1" "$2" "$3" >"$W/run-cfg"
	put "run-$pid $(ask process "$W/run-cfg")"
	echo go >"$K/go"
	wait "$pid"
}
# a tracked process's reads and writes are recorded, an untracked one's not
run_changed 1 1 0 'cat /tmp/kc/track-in >/tmp/kc/track-out'
cat "$K/untracked-in" >"$K/untracked-out"
# an opaque file never appears, even read by a tracked process
fcfg -1 2 2 0 "$K/secret" >"$W/f-secret"
put "secret-state $(ask file "$W/f-secret")"
run_changed 1 1 0 'cat </tmp/kc/secret >/tmp/kc/s-out; cat </tmp/kc/visible >>/tmp/kc/s-out'
# a taint set on a process reaches the file it writes, and further down
run_changed 13 5 10752 'cat /tmp/kc/taint-src >/tmp/kc/taint-out'
cat "$K/taint-out" >"$K/taint-down"
fcfg -1 0 0 0 "$K/taint-out" >"$W/f-taint-out"
put "taint-out-state $(ask file "$W/f-taint-out")"
fcfg -1 0 0 0 "$K/taint-down" >"$W/f-taint-down"
put "taint-down-state $(ask file "$W/f-taint-down")"
# a propagate filter on files: the same tainted flow leaves the file clean
: >"$K/pf-out"
{ le 256 8; le 256 8; le 1 1; z 7; } >"$W/pf-add"
{ le 256 8; le 256 8; le 0 1; z 7; } >"$W/pf-del"
put "pf-add $(wr propagate_node_filter "$W/pf-add")"
run_changed 13 5 10752 'cat /tmp/kc/taint-src >/tmp/kc/pf-out'
put "pf-del $(wr propagate_node_filter "$W/pf-del")"
fcfg -1 0 0 0 "$K/pf-out" >"$W/f-pf-out"
put "pf-out-state $(ask file "$W/f-pf-out")"
# a tracked user's processes are recorded, root's are not
# (root's files are in a directory of their own: the propagating processes
# above created files in $K, so $K carries their tracking and taint, and a
# path walk through it would rightly track the shell that walks it)
echo "user input" >"$K/user-in"
mkdir -p /tmp/kcroot
echo "root input" >/tmp/kcroot/root-in
chmod 644 "$K/user-in" /tmp/kcroot/root-in
ucfg 1000 1 >"$W/e-u1000"
put "user-target $(wr uid "$W/e-u1000")"
su user -c "cat /tmp/kc/user-in >/tmp/kc/user-out"
cat /tmp/kcroot/root-in >/tmp/kcroot/root-out
ucfg 1000 16 >"$W/e-u1000-del"
put "user-target-del $(wr uid "$W/e-u1000-del")"
# a cgroup namespace target tracks the tasks in it (the init namespace here)
echo "ns input" >"$K/ns-in"
ncfg 4026531835 1 >"$W/e-ns"
put "ns-target $(wr ns "$W/e-ns")"
cat "$K/ns-in" >"$K/ns-out"
ncfg 4026531835 16 >"$W/e-ns-del"
put "ns-target-del $(wr ns "$W/e-ns-del")"
echo 1 >"$P/all"
kill "$S"
put "done"
