# Capture raw relay records for the decoder fixtures (run with --no-recorder).
P=/sys/kernel/security/provenance
echo "fixture" > /tmp/a
/bin/cat /tmp/a > /tmp/b
mkfifo /tmp/fifo
(/bin/cat /tmp/fifo > /tmp/from-fifo &) ; echo "through a pipe" > /tmp/fifo
ln /tmp/b /tmp/b-link
mv /tmp/b-link /tmp/b-moved
chmod 600 /tmp/b-moved
rm /tmp/b-moved
ls -l /tmp > /dev/null
sleep 1
printf 1 > "$P/flush"
for f in /sys/kernel/debug/provenance* /sys/kernel/debug/long_provenance*; do
	cat "$f" > "/out/$(basename "$f").bin"
done
