#!/usr/bin/env bash
# Writes the TLS test fixtures beside this script: a certificate authority (`ca.pem`, its key
# thrown away) and a certificate for `localhost` and 127.0.0.1 that it signed
# (`localhost.pem`, key `localhost.key`), valid for a hundred years. The runtime's TLS tests
# serve `localhost.pem` and trust `ca.pem`. Nothing runs this; run it by hand to renew them.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 36500 \
    -subj "/CN=user-apis test CA" -keyout "$work/ca.key" -out ca.pem \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
    -keyout "$work/leaf.key" -out "$work/leaf.csr"
printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1" > "$work/ext.cnf"
openssl x509 -req -in "$work/leaf.csr" -CA ca.pem -CAkey "$work/ca.key" -CAcreateserial \
    -CAserial "$work/ca.srl" -days 36500 -extfile "$work/ext.cnf" -out localhost.pem
openssl pkcs8 -topk8 -nocrypt -in "$work/leaf.key" -out localhost.key
