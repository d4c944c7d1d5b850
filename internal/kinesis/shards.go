package kinesis

// Wire shapes describing shards, shared by DescribeStream, ListShards, GetRecords and
// the resharding operations.

type HashKeyRange struct {
	EndingHashKey   string `json:"EndingHashKey"`
	StartingHashKey string `json:"StartingHashKey"`
}

type SequenceNumberRange struct {
	EndingSequenceNumber   *string `json:"EndingSequenceNumber,omitempty"`
	StartingSequenceNumber string  `json:"StartingSequenceNumber"`
}

type Shard struct {
	AdjacentParentShardId *string             `json:"AdjacentParentShardId,omitempty"`
	HashKeyRange          HashKeyRange        `json:"HashKeyRange"`
	ParentShardId         *string             `json:"ParentShardId,omitempty"`
	SequenceNumberRange   SequenceNumberRange `json:"SequenceNumberRange"`
	ShardId               string              `json:"ShardId"`
}

type ChildShard struct {
	HashKeyRange HashKeyRange `json:"HashKeyRange"`
	ParentShards []string     `json:"ParentShards"`
	ShardId      string       `json:"ShardId"`
}

// wire renders a shard as DescribeStream and ListShards show it.
func (sh *shardMeta) wire() Shard {
	out := Shard{
		HashKeyRange:        HashKeyRange{StartingHashKey: sh.StartHash, EndingHashKey: sh.EndHash},
		SequenceNumberRange: SequenceNumberRange{StartingSequenceNumber: sh.startingSeq()},
		ShardId:             shardID(sh.Index),
	}
	if sh.Parent >= 0 {
		p := shardID(sh.Parent)
		out.ParentShardId = &p
	}
	if sh.Adjacent >= 0 {
		a := shardID(sh.Adjacent)
		out.AdjacentParentShardId = &a
	}
	if sh.EndingSeq != "" {
		e := sh.EndingSeq
		out.SequenceNumberRange.EndingSequenceNumber = &e
	}
	return out
}

// children returns the ChildShards of a closed shard: the shards it was split or merged into.
func (m *streamMeta) children(index int) []ChildShard {
	var out []ChildShard
	for i := range m.Shards {
		c := &m.Shards[i]
		if c.Parent != index && c.Adjacent != index {
			continue
		}
		parents := []string{shardID(c.Parent)}
		if c.Adjacent >= 0 {
			parents = append(parents, shardID(c.Adjacent))
		}
		out = append(out, ChildShard{
			HashKeyRange: HashKeyRange{StartingHashKey: c.StartHash, EndingHashKey: c.EndHash},
			ParentShards: parents,
			ShardId:      shardID(c.Index),
		})
	}
	return out
}
