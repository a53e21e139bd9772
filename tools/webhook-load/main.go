// webhook-load sends AdmissionReviews to a webhook at a steady rate (an open loop: request i is due
// at start + i/rate whatever earlier ones are doing) and prints latency figures as JSON.
//
// Input on stdin: {"valid": "<body>", "broken": ["<body>", ...]}, each body holding the placeholder
// uid __UID__. Request i is broken when i%5 == 4 (broken[(i/5) % len]); its answer must echo uid
// req-<i> and allow exactly the valid ones.
package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type bodies struct {
	Valid  string   `json:"valid"`
	Broken []string `json:"broken"`
}

type figures struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

type result struct {
	FromSend   figures `json:"fromSend"`
	FromDue    figures `json:"fromDue"`
	Completed  int     `json:"completed"`
	Errors     int     `json:"errors"`
	Wrong      int     `json:"wrong"`
	Seconds    float64 `json:"seconds"`
	FirstError string  `json:"firstError,omitempty"`
	Capacity   float64 `json:"capacity"`
}

func summarize(ms []float64) figures {
	if len(ms) == 0 {
		return figures{}
	}
	slices.Sort(ms)
	at := func(q float64) float64 {
		i := int(q*float64(len(ms))+0.999999) - 1
		return ms[max(0, min(len(ms)-1, i))]
	}
	sum := 0.0
	for _, v := range ms {
		sum += v
	}
	return figures{P50: at(0.5), P90: at(0.9), P99: at(0.99), Max: ms[len(ms)-1], Mean: sum / float64(len(ms))}
}

func main() {
	url := flag.String("url", "", "the webhook's URL, e.g. https://127.0.0.1:8443/validate")
	caFile := flag.String("ca", "", "PEM file of the CA that signed the webhook's certificate")
	rate := flag.Int("rate", 1000, "requests per second")
	seconds := flag.Int("seconds", 10, "how long the measured run lasts")
	warmup := flag.Int("warmup", 1, "seconds of load before the measured run")
	conns := flag.Int("conns", 16, "keep-alive connections at most")
	capacitySeconds := flag.Int("capacity-seconds", 3, "seconds of the closed loop measuring the most the server answers (0: skip)")
	flag.Parse()

	var in bodies
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil || in.Valid == "" || len(in.Broken) == 0 {
		fmt.Fprintln(os.Stderr, "stdin: expected {\"valid\": body, \"broken\": [body, ...]}:", err)
		os.Exit(2)
	}
	caPEM, err := os.ReadFile(*caFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	client := &http.Client{
		Timeout: 5 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig:     &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
			MaxConnsPerHost:     *conns,
			MaxIdleConnsPerHost: *conns,
			IdleConnTimeout:     time.Minute,
		},
	}
	body := func(i int) []byte {
		template := in.Valid
		if i%5 == 4 {
			template = in.Broken[(i/5)%len(in.Broken)]
		}
		return []byte(strings.Replace(template, "__UID__", fmt.Sprintf("req-%d", i), 1))
	}
	type answer struct {
		Response struct {
			UID     string `json:"uid"`
			Allowed bool   `json:"allowed"`
		} `json:"response"`
	}
	call := func(i int) (bool, error) {
		res, err := client.Post(*url, "application/json", bytes.NewReader(body(i)))
		if err != nil {
			return false, err
		}
		defer res.Body.Close()
		data, err := io.ReadAll(res.Body)
		if err != nil {
			return false, err
		}
		var a answer
		if err := json.Unmarshal(data, &a); err != nil {
			return false, err
		}
		return res.StatusCode == 200 && a.Response.UID == fmt.Sprintf("req-%d", i) && a.Response.Allowed == (i%5 != 4), nil
	}

	run := func(count int) result {
		fromSend := make([]float64, count)
		fromDue := make([]float64, count)
		ok := make([]bool, count)
		var errors, wrong atomic.Int64
		var firstError atomic.Value
		var wg sync.WaitGroup
		start := time.Now()
		interval := time.Second / time.Duration(*rate)
		for i := range count {
			due := start.Add(time.Duration(i) * interval)
			if d := time.Until(due); d > 0 {
				time.Sleep(d)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				t0 := time.Now()
				right, err := call(i)
				t1 := time.Now()
				if err != nil {
					errors.Add(1)
					firstError.CompareAndSwap(nil, err.Error())
					return
				}
				if !right {
					wrong.Add(1)
				}
				fromSend[i] = float64(t1.Sub(t0).Microseconds()) / 1000
				fromDue[i] = float64(t1.Sub(due).Microseconds()) / 1000
				ok[i] = true
			}()
		}
		wg.Wait()
		var sent, due []float64
		for i := range count {
			if ok[i] {
				sent = append(sent, fromSend[i])
				due = append(due, fromDue[i])
			}
		}
		r := result{FromSend: summarize(sent), FromDue: summarize(due), Completed: len(sent), Errors: int(errors.Load()), Wrong: int(wrong.Load()), Seconds: time.Since(start).Seconds()}
		if e, ok := firstError.Load().(string); ok {
			r.FirstError = e
		}
		return r
	}

	run(*rate * *warmup)
	r := run(*rate * *seconds)
	if *capacitySeconds > 0 {
		var answered atomic.Int64
		until := time.Now().Add(time.Duration(*capacitySeconds) * time.Second)
		start := time.Now()
		var wg sync.WaitGroup
		for w := range *conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; time.Now().Before(until); i += *conns {
					if _, err := call(i); err == nil {
						answered.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		r.Capacity = float64(answered.Load()) / time.Since(start).Seconds()
	}
	out, _ := json.Marshal(r)
	fmt.Println(string(out))
}
