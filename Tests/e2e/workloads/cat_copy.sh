# Whole-system capture of a copy through cat, then of the other flows the
# kernel records: a pipeline, inode operations, exec, setuid.
echo "provenance end to end" > /tmp/a
/bin/cat /tmp/a > /tmp/b
/bin/cat /tmp/b
/bin/tr a-z A-Z < /tmp/a | /bin/sed 's/$/!/' > /tmp/c
ln /tmp/c /tmp/c-link
mv /tmp/c-link /tmp/c-moved
chmod 600 /tmp/c-moved
rm /tmp/c-moved
stat /tmp/c > /dev/null
su user -c /bin/true
# many reads of one file with nothing else in between: edge compression
head -c 65536 /dev/zero > /tmp/big
/bin/wc -c /tmp/big > /dev/null
