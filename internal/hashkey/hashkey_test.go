package hashkey

import "testing"

func TestSplitMatchesAWS(t *testing.T) {
	// The ranges AWS gives a 3-shard stream.
	want := []string{
		"0", "113427455640312821154458202477256070484",
		"113427455640312821154458202477256070485", "226854911280625642308916404954512140969",
		"226854911280625642308916404954512140970", "340282366920938463463374607431768211455",
	}
	got := Full.Split(3)
	for i, r := range got {
		if r.Start.String() != want[2*i] || r.End.String() != want[2*i+1] {
			t.Errorf("range %d = %s..%s, want %s..%s", i, r.Start, r.End, want[2*i], want[2*i+1])
		}
	}
}

func TestPartitionKey(t *testing.T) {
	// md5("a") = 0cc175b9c0f1b6a831c399e269772661
	got := FromPartitionKey("a").String()
	if want := "16955237001963240173058271559858726497"; got != want {
		t.Fatalf("FromPartitionKey(a) = %s, want %s", got, want)
	}
}

func TestParse(t *testing.T) {
	for _, s := range []string{"0", "1", "340282366920938463463374607431768211455"} {
		k, err := Parse(s)
		if err != nil || k.String() != s {
			t.Errorf("Parse(%s) = %s, %v", s, k, err)
		}
	}
	for _, s := range []string{"", "-1", "340282366920938463463374607431768211456", "1a", "99999999999999999999999999999999999999999"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) succeeded, want error", s)
		}
	}
}
