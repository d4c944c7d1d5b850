package firehose

import (
	"testing"
	"time"
)

func TestJavaTime(t *testing.T) {
	at := time.Date(2026, 3, 7, 14, 5, 9, 123456789, time.UTC)
	tests := []struct{ pattern, want string }{
		{"yyyy/MM/dd/HH/", "2026/03/07/14/"},
		{"yyyy'-'MM'-'dd", "2026-03-07"},
		{"yy M d H m s", "26 3 7 14 5 9"},
		{"MMM MMMM EEE EEEE", "Mar March Sat Saturday"},
		{"D DDD", "66 066"},
		{"hh a K k", "02 PM 2 14"},
		{"SSS S", "123 1"},
		{"'quoted '' text' ''", "quoted ' text '"},
		{"'year='yyyy/'month='MM", "year=2026/month=03"},
		{"XXX Z x", "Z +0000 +00"},
	}
	for _, tt := range tests {
		got, err := javaTime(tt.pattern, at)
		if err != nil || got != tt.want {
			t.Errorf("javaTime(%q) = %q, %v; want %q", tt.pattern, got, err, tt.want)
		}
	}
	for _, bad := range []string{"yyyy-QQ", "'open", "G"} {
		if _, err := javaTime(bad, at); err == nil {
			t.Errorf("javaTime(%q): no error", bad)
		}
	}
}

func TestPrefixEval(t *testing.T) {
	at := time.Date(2026, 3, 7, 14, 5, 9, 0, time.UTC)
	tests := []struct {
		prefix  string
		dynamic bool
		kc      keyContext
		want    string
	}{
		{"", false, keyContext{}, "2026/03/07/14/"},
		{"logs", false, keyContext{}, "logs2026/03/07/14/"},
		{"logs/", false, keyContext{}, "logs/2026/03/07/14/"},
		{"y=!{timestamp:yyyy}/h=!{timestamp:HH}/", false, keyContext{}, "y=2026/h=14/"},
		{"e/!{firehose:error-output-type}/", false, keyContext{errorType: ErrProcessingFailed}, "e/processing-failed/2026/03/07/14/"},
		{"c=!{partitionKeyFromQuery:c}/!{partitionKeyFromLambda:d}/", true,
			keyContext{keys: map[string]string{"partitionKeyFromQuery:c": "7", "partitionKeyFromLambda:d": "x"}}, "c=7/x/"},
	}
	for _, tt := range tests {
		p, err := parsePrefix(tt.prefix)
		if err != nil {
			t.Fatalf("parsePrefix(%q): %v", tt.prefix, err)
		}
		if !tt.dynamic {
			p = p.withDefaultTime()
		}
		tt.kc.time = at
		got, err := p.eval(tt.kc)
		if err != nil || got != tt.want {
			t.Errorf("eval(%q) = %q, %v; want %q", tt.prefix, got, err, tt.want)
		}
	}
	p, _ := parsePrefix("!{partitionKeyFromQuery:missing}/")
	if _, err := p.eval(keyContext{time: at}); err == nil {
		t.Error("a missing partition key evaluated")
	}
	p, _ = parsePrefix("!{firehose:random-string}/!{firehose:random-string}/")
	got, _ := p.eval(keyContext{time: at})
	if len(got) != 24 || got[:12] == got[12:] {
		t.Errorf("random strings %q: want two different 11-character strings", got)
	}
}
