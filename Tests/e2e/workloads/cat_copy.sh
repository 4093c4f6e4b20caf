# Whole-system capture of a copy through cat.
echo "provenance end to end" > /tmp/a
/bin/cat /tmp/a > /tmp/b
/bin/cat /tmp/b
