package auth

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// Credential is one access key a Verifier accepts.
type Credential struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	// AccountID is the account the key acts in (12 digits). Empty: the access key id when
	// it is 12 digits, else the server's default account, as without verification.
	AccountID string `json:"accountId,omitempty"`
	// SessionToken, when set, must come with every request signed by this key
	// (X-Amz-Security-Token), as with temporary credentials.
	SessionToken string `json:"sessionToken,omitempty"`
}

// Credentials is a set of access keys, by access key id.
type Credentials struct {
	keys map[string]Credential
}

// Lookup returns the credential of an access key id.
func (c *Credentials) Lookup(accessKeyID string) (Credential, bool) {
	k, ok := c.keys[accessKeyID]
	return k, ok
}

// Len is the number of access keys.
func (c *Credentials) Len() int { return len(c.keys) }

// LoadCredentials reads a credentials file (see ParseCredentials).
func LoadCredentials(path string) (*Credentials, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseCredentials(f)
}

// ParseCredentials reads JSON lines, one access key per line:
//
//	{"accessKeyId":"AKIDEXAMPLE","secretAccessKey":"…","accountId":"123456789012"}
//
// accountId and sessionToken are optional. Blank lines and lines starting with # are
// ignored. An unknown member, a missing key id or secret, an account id that is not 12
// digits, a repeated key id or a file without any key is an error naming the line.
func ParseCredentials(r io.Reader) (*Credentials, error) {
	c := &Credentials{keys: map[string]Credential{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		var k Credential
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&k); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("line %d: one JSON object per line", n)
		}
		switch {
		case k.AccessKeyID == "":
			return nil, fmt.Errorf("line %d: accessKeyId is missing", n)
		case k.SecretAccessKey == "":
			return nil, fmt.Errorf("line %d: secretAccessKey is missing", n)
		case k.AccountID != "" && !isAccountID(k.AccountID):
			return nil, fmt.Errorf("line %d: accountId %q is not 12 digits", n, k.AccountID)
		}
		if _, dup := c.keys[k.AccessKeyID]; dup {
			return nil, fmt.Errorf("line %d: accessKeyId %q appears twice", n, k.AccessKeyID)
		}
		c.keys[k.AccessKeyID] = k
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(c.keys) == 0 {
		return nil, errors.New("no access keys")
	}
	return c, nil
}
