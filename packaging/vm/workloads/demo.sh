# Demo workload: a shell pipeline that writes one file from another.
echo "hello, provenance" > /tmp/input.txt
/bin/tr a-z A-Z < /tmp/input.txt | /bin/sed 's/$/!/' > /tmp/output.txt
/bin/cat /tmp/output.txt
