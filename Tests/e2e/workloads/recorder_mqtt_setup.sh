# Before the recorder starts: a broker on the guest's loopback and a
# subscriber writing "topic payload" lines to /out/mqtt.txt.
cat > /tmp/mosquitto.conf <<CONF
listener 1883 127.0.0.1
allow_anonymous true
user root
persistence false
CONF
mosquitto -c /tmp/mosquitto.conf > /out/mosquitto.log 2>&1 &
i=0
while ! mosquitto_pub -h 127.0.0.1 -p 1883 -t probe -m up 2>/dev/null; do
	i=$((i + 1)); [ "$i" -lt 100 ] || { echo "broker did not start" >&2; exit 1; }
	sleep 0.1
done
mosquitto_sub -h 127.0.0.1 -p 1883 -q 2 -v -t 'camflow/provenance/#' > /out/mqtt.txt 2>/out/mqtt_sub.err &
echo $! > /tmp/reader.pid
sleep 1
