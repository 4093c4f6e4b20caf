# camflow ctl / configure against the real kernel (every flag accepted by the real kernel).
O=/out/ctl
mkdir -p $O
run() { name=$1; shift; "$@" >"$O/$name.out" 2>"$O/$name.err"; echo $? >"$O/$name.rc"; }
echo hello >/tmp/f1
run s1 camflow -s
run track_file camflow --track-file /tmp/f1 propagate
run taint_file camflow --taint-file /tmp/f1 5
run label_file camflow --label-file /tmp/f1 secret
run opaque_file camflow --opaque-file /tmp/f1 false
run file camflow --file /tmp/f1
run file_rel sh -c 'cd /tmp && camflow ctl --file f1'
run file_missing camflow --file /tmp/nope
sleep 100 & P=$!
run track_proc camflow --track-process $P propagate
run taint_proc camflow --taint-process $P 7
run proc camflow --process $P
run opaque_proc camflow --opaque-process $P true
run proc2 camflow ctl --process $P
kill $P
run proc_missing camflow --process 99999
run user camflow --track-user root track
run group camflow --track-group root propagate
CG=$(stat -L -c %i /proc/self/ns/cgroup 2>/dev/null || echo 4026531835)
run cgroup camflow --track-cgroup $CG track
run in camflow --track-ipv4-ingress 127.0.0.1/32:80 record
run eg camflow --track-ipv4-egress 10.0.0.0/8:0 propagate
run secctx camflow --track-secctx system_u:object_r:etc_t:s0 track
run nf camflow --node-filter directory true
run ef camflow --edge-filter read true
run npf camflow --node-propagate-filter file true
run epf camflow --edge-propagate-filter write true
run dup camflow --duplicate true
run ver camflow --versioning true
run comp_node camflow --compress-node false
run comp_edge camflow --compress-edge true
run all_off camflow -a false
run s_all_off camflow -s
run all_on camflow -a true
run enable camflow -e true
run label_on camflow --label-packets true
cat /sys/kernel/security/provenance/label >$O/label_file_on.out
run label_off camflow ctl --label-packets false
run s_label_off camflow -s
cat /sys/kernel/security/provenance/label >$O/label_file_off.out
run label_bad camflow --label-packets maybe
run label_on2 camflow --label-packets true
run s2 camflow -s
run c camflow -c
run p camflow -p
run v camflow -v
run drop camflow --drop
run epoch camflow --change-epoch
cp $O/c.out /tmp/exported.ini
run check camflow configure --check --file /tmp/exported.ini
run reset camflow --reset-filter
run del_user camflow --track-user root delete
run del_in camflow --track-ipv4-ingress 127.0.0.1/32:80 delete
run s3 camflow -s
run label_off2 camflow --label-packets false
run reapply camflow configure --apply --file /tmp/exported.ini
run s4 camflow -s
run json_p camflow ctl -p
run user_e su user -c "camflow -e false"
run user_s su user -c "camflow -s"
run user_file su user -c "camflow --file /tmp/f1"
run bad camflow -e maybe
