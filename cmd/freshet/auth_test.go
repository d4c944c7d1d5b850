package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestAuthFlag(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "creds.jsonl")
	if err := os.WriteFile(good, []byte(`{"accessKeyId":"AKID","secretAccessKey":"s"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.jsonl")
	if err := os.WriteFile(bad, []byte("# keys\n"+`{"accessKeyId":"AKID"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

	c, _, err := parseArgs([]string{"--auth", good}, env(nil), io.Discard)
	if err != nil || c.Auth != good {
		t.Errorf("--auth: Auth = %q, err = %v", c.Auth, err)
	}
	c, _, err = parseArgs(nil, env(map[string]string{"FRESHET_AUTH": good}), io.Discard)
	if err != nil || c.Auth != good {
		t.Errorf("FRESHET_AUTH: Auth = %q, err = %v", c.Auth, err)
	}
	for args, want := range map[string]string{
		bad:                                 `--auth "` + bad + `": line 2: secretAccessKey is missing`,
		filepath.Join(dir, "missing.jsonl"): `--auth "` + filepath.Join(dir, "missing.jsonl") + `": open ` + filepath.Join(dir, "missing.jsonl") + `: no such file or directory`,
	} {
		_, _, err := parseArgs([]string{"--auth", args}, env(nil), io.Discard)
		if err == nil || err.Error() != want {
			t.Errorf("--auth %s: err = %v, want %q", args, err, want)
		}
	}
}
