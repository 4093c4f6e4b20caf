# Bad input: garbage to every securityfs file (as root and as a non-root
# user) and camflow record with broken configurations.  Results go to /out.
P=/sys/kernel/security/provenance
R=/out/bad-input.txt
: >"$R"
G=/tmp/garbage
mkdir -p "$G"
printf 'garbage' >"$G/text"
printf '1garbage' >"$G/one-then-junk"
printf 'yes please' >"$G/yes-please"
head -c 16384 /dev/urandom >"$G/random-16k"
head -c 1048576 /dev/zero | tr '\0' 'x' >"$G/huge-1m"
# struct prov_relay_conf with boot_id 0 and buff_exp 99
printf '\000\000\000\000\001\000\000\000\143\000\000\000\010\000\000\000' >"$G/relay-conf-bad"
# 24 bytes: a struct prov_process_config with an undefined op bit, which
# is also a struct prov_filter with add=7
printf '\000\000\000\000\200\000\000\000\002\000\000\000\000\000\000\000\007\000\000\000\000\000\000\000' >"$G/self-bad-op"
# struct prov_type naming a type that does not exist, is_relation 7
{ printf '\000\000\000\000\000\000\000\000\007\000\000\000\000\000\000\000'; printf 'no_such_type'; head -c 244 /dev/zero; } >"$G/type-bad"

# try.sh WHO: write every payload to every file, one dd each (dd exits
# non-zero when the kernel refuses the write), and read every file
cat >/tmp/try.sh <<'TRY'
P=/sys/kernel/security/provenance
for f in $(ls "$P"); do
	for g in /tmp/garbage/*; do
		if dd if="$g" of="$P/$f" bs=2M count=1 conv=notrunc 2>/dev/null; then
			echo "ACCEPTED $1 $f $(basename "$g")"
		else
			echo "refused $1 $f $(basename "$g")"
		fi
	done
	cat "$P/$f" >/dev/null 2>&1
done
TRY
chmod 755 "$G" /tmp/try.sh
chmod 644 "$G"/*
sh /tmp/try.sh root >>"$R"
su user -c "sh /tmp/try.sh user" >>"$R"
echo "enable=$(cat $P/enable) all=$(cat $P/all)" >/out/state-after.txt

# camflow record with broken configurations: one clear error, non-zero exit
E=/out/record-errors.txt
: >"$E"
try() { # name command...
	name=$1; shift
	"$@" >/tmp/err.out 2>/tmp/err.txt
	echo "== $name rc=$?" >>"$E"
	cat /tmp/err.txt >>"$E"
}
printf '[general]\noutput=log\nformat=w3c\n[log]\npath=/tmp/other.log\n' >/tmp/good.ini
printf '[general]\noutput=log\nformat=w3c\n[log]\npath=/no/such/dir/x.log\n' >/tmp/badlog.ini
mkdir -p /tmp/config-dir /tmp/empty-relay
cp /tmp/good.ini /tmp/secret.ini
chmod 000 /tmp/secret.ini
try missing-config camflow record --config /tmp/no-such.ini
try config-is-directory camflow record --config /tmp/config-dir
try unreadable-config su user -c "camflow record --config /tmp/secret.ini"
try unwritable-log camflow record --config /tmp/badlog.ini
try missing-relay camflow record --config /tmp/good.ini --relay-root /tmp/empty-relay

# capture still works after all that
echo "still here" >/tmp/c
/bin/cat /tmp/c >/tmp/d

# the read-only files and the type query (as root and as a user)
S=/out/securityfs-reads.txt
{
	echo "machine_id $(od -An -tu4 -N4 $P/machine_id | tr -d ' ') $(od -An -tu4 -N4 /etc/camflow-machine_id | tr -d ' ')"
	echo "boot_id $(od -An -tu4 -N4 $P/boot_id | tr -d ' ') $(od -An -tu4 -N4 /etc/camflow-boot_id | tr -d ' ')"
	echo "version $(cat $P/version)"
	echo "dropped_size $(wc -c < $P/dropped)"
} >"$S"
# struct prov_type: id (8), is_relation (1), reserved (7), str[256]
{ head -c 16 /dev/zero; printf 'file'; head -c 252 /dev/zero; } >/tmp/q-name
{ printf '\001\000\000\000\000\000\040\200\001'; head -c 263 /dev/zero; } >/tmp/q-id
query() { # question-file: write it and read the answer on the same open file
	exec 3<>"$P/type"
	dd if="$1" bs=272 count=1 >&3 2>/dev/null || echo "query refused"
	dd bs=272 count=1 <&3 2>/dev/null
	exec 3>&-
}
echo "type_file $(query /tmp/q-name | od -An -tx8 -N8 | tr -d ' ')" >>"$S"
echo "type_read $(query /tmp/q-id | dd bs=1 skip=16 count=16 2>/dev/null | tr -d '\000')" >>"$S"
chmod 644 /tmp/q-name /tmp/q-id
cat >/tmp/query.sh <<'Q'
exec 3<>/sys/kernel/security/provenance/type
dd if=/tmp/q-name bs=272 count=1 >&3 2>/dev/null
dd bs=272 count=1 <&3 2>/dev/null | od -An -tx8 -N8 | tr -d ' '
Q
echo "user_type_file $(su user -c "sh /tmp/query.sh")" >>"$S"
