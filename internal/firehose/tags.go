package firehose

import "github.com/freshet/freshet/internal/awserr"

// maxTags is how many tags a delivery stream holds.
const maxTags = 50

// setTag adds or replaces one tag, keeping first-added order.
func setTag(tags []tagPair, k, v string) []tagPair {
	for i := range tags {
		if tags[i].Key == k {
			tags[i].Value = v
			return tags
		}
	}
	return append(tags, tagPair{Key: k, Value: v})
}

// encryptionFrom records a DeliveryStreamEncryptionConfigurationInput.
func encryptionFrom(e *DeliveryStreamEncryptionConfigurationInput) (*encryptionMeta, error) {
	switch *e.KeyType {
	case keyCustomerManaged:
		if e.KeyARN == nil {
			return nil, awserr.New(awserr.InvalidArgument, "KeyARN must be specified when KeyType is CUSTOMER_MANAGED_CMK.")
		}
	case keyAWSOwned:
		if e.KeyARN != nil {
			return nil, awserr.New(awserr.InvalidArgument, "KeyARN must not be specified when KeyType is AWS_OWNED_CMK.")
		}
	}
	return &encryptionMeta{KeyType: *e.KeyType, KeyARN: deref0(e.KeyARN), Status: "ENABLED"}, nil
}
