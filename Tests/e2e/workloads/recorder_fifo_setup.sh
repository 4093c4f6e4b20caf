# Before the recorder starts: make its FIFO and read it into /out/spade.log.
mkfifo /tmp/camflowd-pipe
cat /tmp/camflowd-pipe > /out/spade.log &
echo $! > /tmp/reader.pid
