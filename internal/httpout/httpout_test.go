package httpout

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPost: the request carries the body and headers as given; the answer comes back whole
// with its status and first header values; a redirect is returned, not followed.
func TestPost(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
			return
		}
		if r.URL.Path == "/elsewhere" {
			t.Error("redirect followed")
		}
		if ae := r.Header.Get("Accept-Encoding"); ae != "" {
			t.Errorf("Accept-Encoding %q", ae)
		}
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		w.Header().Add("X-Multi", "one")
		w.Header().Add("X-Multi", "two")
		w.WriteHeader(202)
		w.Write([]byte(r.Method + " " + r.Header.Get("X-Amz-Firehose-Request-Id") + " " + string(b)))
	}))
	defer srv.Close()
	c := New()
	got, err := c.Post(t.Context(), srv.URL+"/in", map[string]string{"X-Amz-Firehose-Request-Id": "id-1"}, []byte("body"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != 202 || string(got.Body) != "POST id-1 body" {
		t.Errorf("answer %d %q", got.Status, got.Body)
	}
	if diff := cmp.Diff([]string{"Unhandled", "one"}, []string{got.Header["X-Amz-Function-Error"], got.Header["X-Multi"]}); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
	got, err = c.Post(t.Context(), srv.URL+"/moved", nil, nil)
	if err != nil || got.Status != http.StatusFound {
		t.Errorf("redirect: %v %+v", err, got)
	}
	if _, err := c.Post(t.Context(), "http://127.0.0.1:1/none", nil, nil); err == nil {
		t.Error("no error from a closed port")
	}
}
