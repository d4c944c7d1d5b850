package kinesis

// enterUpdating puts an ACTIVE stream into UPDATING for Options.StateDelay (it reads as
// ACTIVE again once StatusUntil has passed; no delay leaves it ACTIVE).
func (s *Service) enterUpdating(m *streamMeta) {
	if s.opts.StateDelay <= 0 {
		return
	}
	m.Status, m.StatusUntil = statusUpdating, s.now().Add(s.opts.StateDelay).UnixMilli()
}
