# After the recorder stopped: let the reader started by the setup script
# take everything, then stop it.
pid=$(cat /tmp/reader.pid)
last=-1
for i in $(seq 50); do
	size=$(cat /out/*.log /out/mqtt.txt 2>/dev/null | wc -c)
	kill -0 "$pid" 2>/dev/null || exit 0
	[ "$size" = "$last" ] && break
	last=$size
	sleep 0.5
done
kill "$pid" 2>/dev/null
exit 0
