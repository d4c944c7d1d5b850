package kinesis

// EnableEnhancedMonitoring
//
// Behavior:
//   - Adds shard-level metrics (1..7 of the MetricsName enum; ALL stands for the seven) to
//     an ACTIVE stream named by StreamName or StreamARN, in one compare-and-set.
//   - Answers StreamName, StreamARN, CurrentShardLevelMetrics (before) and
//     DesiredShardLevelMetrics (after), in the enum's order; DescribeStream and
//     DescribeStreamSummary report the set in EnhancedMonitoring.
//   - A stream that is not ACTIVE: ResourceInUseException.
//
// Differences from AWS:
//   - No CloudWatch metrics are published; the set is recorded only. The change is
//     immediate (no UPDATING period).

import (
	"context"
	"slices"
	"strings"

	"github.com/freshet/freshet/internal/awserr"
)

type EnableEnhancedMonitoringInput struct {
	ShardLevelMetrics []string `json:"ShardLevelMetrics"`
	StreamARN         *string  `json:"StreamARN,omitempty"`
	StreamName        *string  `json:"StreamName,omitempty"`
}

type EnhancedMonitoringOutput struct {
	CurrentShardLevelMetrics []string `json:"CurrentShardLevelMetrics"`
	DesiredShardLevelMetrics []string `json:"DesiredShardLevelMetrics"`
	StreamARN                string   `json:"StreamARN"`
	StreamName               string   `json:"StreamName"`
}

type EnableEnhancedMonitoringOutput = EnhancedMonitoringOutput

// shardMetrics are the seven shard-level metrics, in the model's order; metricsEnum adds ALL.
var (
	shardMetrics = []string{"IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords",
		"WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds"}
	metricsEnum = append(slices.Clone(shardMetrics), "ALL")
)

func (s *Service) EnableEnhancedMonitoring(ctx context.Context, in *EnableEnhancedMonitoringInput) (*EnableEnhancedMonitoringOutput, error) {
	return s.changeMetrics(ctx, in.ShardLevelMetrics, in.StreamName, in.StreamARN, true)
}

// checkMetrics validates a required MetricsNameList: 1..7 members of the enum.
func checkMetrics(v *awserr.Validator, metrics []string) {
	const path = "shardLevelMetrics"
	if metrics == nil {
		v.Null(path)
		return
	}
	rendered := "[" + strings.Join(metrics, ", ") + "]"
	v.List(path, len(metrics), true, true, 1, len(shardMetrics), rendered)
	for _, m := range metrics {
		if !slices.Contains(metricsEnum, m) {
			v.Constraint(rendered, path, "Member must satisfy constraint: [Member must satisfy enum value set: ["+strings.Join(metricsEnum, ", ")+"]]")
			return
		}
	}
}

// changeMetrics adds (enable) or removes the given metrics and reports before and after.
func (s *Service) changeMetrics(ctx context.Context, metrics []string, name, arn *string, enable bool) (*EnhancedMonitoringOutput, error) {
	var v awserr.Validator
	checkMetrics(&v, metrics)
	r, err := streamOf(ctx, &v, name, arn)
	if err != nil {
		return nil, err
	}
	want := make(map[string]bool)
	for _, m := range metrics {
		if m == "ALL" {
			for _, x := range shardMetrics {
				want[x] = true
			}
		}
		want[m] = true
	}
	var current []string
	m, err := s.update(ctx, r, func(m *streamMeta) error {
		if err := s.requireActive(m); err != nil {
			return err
		}
		current = slices.Clone(m.ShardLevelMetrics)
		var next []string
		for _, x := range shardMetrics {
			had := slices.Contains(m.ShardLevelMetrics, x)
			if (enable && (had || want[x])) || (!enable && had && !want[x]) {
				next = append(next, x)
			}
		}
		m.ShardLevelMetrics = next
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &EnhancedMonitoringOutput{
		CurrentShardLevelMetrics: nonNil(current),
		DesiredShardLevelMetrics: nonNil(slices.Clone(m.ShardLevelMetrics)),
		StreamARN:                m.arn(),
		StreamName:               m.Name,
	}, nil
}
