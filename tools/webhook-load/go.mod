// An open-loop HTTPS load generator for the webhook benchmark (bench/webhook-latency.ts): it calls
// the webhook with Go's net/http, as kube-apiserver does, so the client's own pauses stay out of the figures.
module dcos-operator/tools/webhook-load

go 1.26.0
