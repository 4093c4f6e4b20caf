# Some file and pipe activity, then capture is switched off so that the
# kernel's count of records sent (and of the version links they carry) is
# final before the recorder stops.
prov=/sys/kernel/security/provenance
echo "through the recorder" > /tmp/a
cat /tmp/a > /tmp/b
/bin/tr a-z A-Z < /tmp/b | /bin/sed 's/$/!/' > /tmp/c
cat /tmp/c
sleep 1
echo 0 > $prov/enable
# a hook that checked "enable" just before it changed may still be writing
sleep 1
od -An -tu8 -N8 $prov/sent | tr -d ' ' > /out/sent
od -An -tu8 -N8 $prov/links | tr -d ' ' > /out/links
