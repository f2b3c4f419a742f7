#!/usr/bin/env bash
# Sourced by tests/image/test-servers.sh: redis-cli, tcpdump while curl fetches over HTTPS, dig and
# nslookup against dnsmasq, aws against moto.
# shellcheck shell=bash disable=SC2154

echo "== redis-cli (redis-server, plain and TLS)"
rd="$work/redis"
mkdir -p "$rd"
redis-server --bind 127.0.0.4 --port 6379 --tls-port 6380 --tls-cert-file "$pki/redis.pem" \
  --tls-key-file "$pki/redis.key" --tls-ca-cert-file "$pki/ca.pem" --tls-auth-clients no \
  --save '' --appendonly no --dir "$rd" --daemonize no >"$rd/server.log" 2>&1 &
pids+=($!)
if wait_port 127.0.0.4 6380 $! 20; then
  pass "redis-server $(redis-server --version | awk '{print $3}') listening on 127.0.0.4:6379 and (TLS) :6380"
  out=$(in_image redis-cli -h 127.0.0.4 -p 6379 ping 2>&1)
  [ "$out" = PONG ] && pass "redis-cli -h 127.0.0.4 ping: PONG" || fail "redis-cli ping: $out"
  out=$(in_image redis-cli --help 2>&1)
  [[ $out == *"--tls"* ]] && pass "the image's redis-cli is built with TLS (--tls in its help)" ||
    fail "the image's redis-cli lacks --tls"
  out=$(in_image redis-cli --tls --cacert /tmp/test-ca.pem -h 127.0.0.4 -p 6380 ping 2>&1)
  [ "$out" = PONG ] && pass "redis-cli --tls --cacert <the CA> ping: PONG" || fail "redis-cli --tls ping: $out"
  out=$(in_image redis-cli --tls --cacert /tmp/other-ca.pem -h 127.0.0.4 -p 6380 ping 2>&1)
  [ "$out" != PONG ] && pass "redis-cli --tls refuses the server with another CA: $(printf '%s' "$out" | head -1)" ||
    fail "redis-cli --tls with another CA answered PONG"
else
  show "$rd/server.log"; fail "redis-server did not start"
fi

echo "== tcpdump -i lo while curl fetches over HTTPS"
web="$work/www"
mkdir -p "$web"
(cd "$web" && exec openssl s_server -quiet -www -accept 127.0.0.5:443 -cert "$pki/www.pem" \
  -key "$pki/www.key") >"$web/server.log" 2>&1 &
pids+=($!)
if wait_port 127.0.0.5 443 $! 20; then
  pass "an HTTPS server (openssl s_server -www) listening on 127.0.0.5:443"
  cat >"$rootfs/tmp/capture.sh" <<'EOF'
tcpdump -i lo -n --immediate-mode -U -w /tmp/https.pcap 'tcp port 443' 2>/tmp/tcpdump.err &
td=$!
i=0
until grep -q 'listening on lo' /tmp/tcpdump.err 2>/dev/null; do
  i=$((i + 1)); [ "$i" -lt 100 ] || { cat /tmp/tcpdump.err; exit 1; }; sleep 0.1
done
curl -sS --cacert /tmp/test-ca.pem --resolve www.test:443:127.0.0.5 -o /tmp/page.html \
  -w 'curl: HTTP/%{http_version} %{http_code}, %{size_download} bytes\n' https://www.test/
sleep 0.5
kill -TERM "$td"; wait "$td"
cat /tmp/tcpdump.err
tcpdump -r /tmp/https.pcap -n >/tmp/https.txt 2>&1; head -3 /tmp/https.txt; echo "packets: $(grep -c "127.0.0.5.443" /tmp/https.txt)"
EOF
  out=$(in_image /bin/sh /tmp/capture.sh 2>&1)
  printf '%s\n' "$out" | sed 's/^/    /'
  [[ $out == *"curl: HTTP/"*" 200,"* ]] && pass "curl https://www.test/ (the CA, verified): 200" ||
    fail "curl https://www.test/ did not get 200"
  packets=$(printf '%s\n' "$out" | sed -n 's/^packets: //p')
  [ "${packets:-0}" -ge 6 ] && pass "tcpdump -i lo captured $packets packets to or from 127.0.0.5:443" ||
    fail "tcpdump -i lo captured ${packets:-no} packets of the fetch"
else
  show "$web/server.log"; fail "the HTTPS server did not start"
fi

echo "== dig and nslookup (dnsmasq on 127.0.0.6 with a zone defined here)"
dns="$work/dns"
mkdir -p "$dns"
dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-poll --user=root --pid-file= \
  --listen-address=127.0.0.6 --bind-interfaces --port=53 --log-facility=- \
  --host-record=db.debug.test,10.20.30.40 --txt-record=debug.test,"debug-toolkit test zone" \
  --cname=www.debug.test,db.debug.test --local=/debug.test/ >"$dns/server.log" 2>&1 &
pids+=($!)
if wait_port 127.0.0.6 53 $! 20; then
  pass "dnsmasq $(dnsmasq --version | awk 'NR == 1 {print $3}') listening on 127.0.0.6:53"
  out=$(in_image dig @127.0.0.6 +short db.debug.test A 2>&1)
  [ "$out" = 10.20.30.40 ] && pass "dig @127.0.0.6 db.debug.test: $out" || fail "dig db.debug.test: $out"
  out=$(in_image dig @127.0.0.6 +short www.debug.test A 2>&1 | tr '\n' ' ')
  [ "$out" = "db.debug.test. 10.20.30.40 " ] && pass "dig @127.0.0.6 www.debug.test (a CNAME): $out" ||
    fail "dig www.debug.test: $out"
  out=$(in_image dig @127.0.0.6 +short debug.test TXT 2>&1)
  [ "$out" = '"debug-toolkit test zone"' ] && pass "dig @127.0.0.6 debug.test TXT: $out" || fail "dig TXT: $out"
  out=$(in_image nslookup db.debug.test 127.0.0.6 2>&1)
  [[ $out == *"Address: 10.20.30.40"* ]] && pass "nslookup db.debug.test 127.0.0.6: 10.20.30.40" ||
    fail "nslookup db.debug.test: $out"
  out=$(in_image dig @127.0.0.6 missing.debug.test A 2>&1)
  [[ $out == *"status: NXDOMAIN"* ]] && pass "dig @127.0.0.6 missing.debug.test: NXDOMAIN" ||
    fail "dig missing.debug.test: $(printf '%s' "$out" | grep status)"
else
  show "$dns/server.log"; fail "dnsmasq did not start"
fi

echo "== aws (moto on 127.0.0.7:5000 as the endpoint)"
moto="$work/moto"
mkdir -p "$moto"
"$tools_dir/moto/bin/moto_server" -H 127.0.0.7 -p 5000 >"$moto/server.log" 2>&1 &
pids+=($!)
if wait_port 127.0.0.7 5000 $! 60; then
  pass "moto $("$tools_dir/moto/bin/python" -c 'import moto; print(moto.__version__)') listening on 127.0.0.7:5000"
  aws_env='AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 AWS_PAGER='
  out=$(in_image /bin/sh -c "$aws_env aws --endpoint-url http://127.0.0.7:5000 sts get-caller-identity --output json" 2>&1)
  account=$(printf '%s' "$out" | jq -r .Account 2>/dev/null)
  [ "$account" = 123456789012 ] && pass "aws --endpoint-url http://127.0.0.7:5000 sts get-caller-identity: account $account" ||
    fail "aws sts get-caller-identity: $out"
  out=$(in_image /bin/sh -c "export $aws_env; e='--endpoint-url http://127.0.0.7:5000'
    aws \$e s3 mb s3://debug-toolkit-test && echo hello >/tmp/hello.txt &&
    aws \$e s3 cp /tmp/hello.txt s3://debug-toolkit-test/hello.txt && aws \$e s3 ls s3://debug-toolkit-test/" 2>&1)
  [[ $out == *" 6 hello.txt"* ]] && pass "aws s3 mb, cp and ls against the endpoint: hello.txt listed" ||
    fail "aws s3 against the endpoint: $out"
else
  show "$moto/server.log"; fail "moto did not start"
fi

