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
# struct prov_process_config with an undefined op bit
printf '\000\000\000\000\200\000\000\000\002\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000' >"$G/self-bad-op"
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
