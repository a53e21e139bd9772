// kstatus prints the status that Argo CD, Flux and kapp derive for Kubernetes objects, computed by
// the library they share (sigs.k8s.io/cli-utils/pkg/kstatus/status), so a test can check that the
// operator's kinds read as done / in progress / failed to them.
//
// Input on stdin: one JSON object, or a List (what `kubectl get -o json` prints). Output on stdout:
// a JSON array, one entry per object in input order:
//
//	[{"kind":"DcosService","namespace":"ns","name":"web","status":"Current","message":"Resource is Ready"}]
//
// status is one of InProgress, Failed, Current, Terminating, Unknown (NotFound is for objects that are
// absent, which the caller sees before reading them). A reason is set for Failed and InProgress when
// kstatus names the condition behind it.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

type verdict struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	Status    string `json:"status"`
	Message   string `json:"message"`
	Reason    string `json:"reason,omitempty"`
}

func main() {
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail("reading stdin: %v", err)
	}
	var obj unstructured.Unstructured
	if err := obj.UnmarshalJSON(input); err != nil {
		fail("stdin is not a Kubernetes object or List: %v", err)
	}
	items := []unstructured.Unstructured{obj}
	if obj.IsList() {
		list, err := obj.ToList()
		if err != nil {
			fail("reading the List: %v", err)
		}
		items = list.Items
	}
	out := make([]verdict, 0, len(items))
	for i := range items {
		u := &items[i]
		res, err := status.Compute(u)
		if err != nil {
			fail("%s %s/%s: %v", u.GetKind(), u.GetNamespace(), u.GetName(), err)
		}
		v := verdict{Kind: u.GetKind(), Namespace: u.GetNamespace(), Name: u.GetName(), Status: res.Status.String(), Message: res.Message}
		if len(res.Conditions) > 0 {
			v.Reason = res.Conditions[0].Reason
		}
		out = append(out, v)
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		fail("writing the result: %v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "kstatus: "+format+"\n", args...)
	os.Exit(1)
}
