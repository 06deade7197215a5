package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/opendinsos/ppks/internal/ppks"
)

// ListChanges returns the history of one record, oldest first; PageRequest.After is the
// decimal id of the last change of the previous page.
func (q queries) ListChanges(ctx context.Context, recordID string, p ppks.PageRequest) ([]*ppks.Change, error) {
	var after int64
	if p.After != "" {
		var err error
		if after, err = strconv.ParseInt(p.After, 10, 64); err != nil {
			return nil, invalidPageToken()
		}
	}
	var out []*ppks.Change
	err := q.read(ctx, "list changes", true, func(tx querier) (err error) {
		out, err = queryRows(ctx, tx, `SELECT id, record_id, record, time, username, method, request_id, fields
			FROM record_history WHERE record_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
			[]any{recordID, after, limit(p)}, scanChange)
		return err
	})
	return out, err
}

// fieldChange is the stored form of a ppks.FieldChange, one element of record_history.fields.
type fieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// changeFields returns the stored form of a change's fields (a JSON array of strings'
// fields, which always encodes).
func changeFields(c *ppks.Change) string {
	fields := make([]fieldChange, len(c.Fields))
	for i, f := range c.Fields {
		fields[i] = fieldChange{Field: f.Field, Old: f.Old, New: f.New}
	}
	buf, _ := json.Marshal(fields)
	return string(buf)
}

func scanChange(s pgx.Row) (*ppks.Change, error) {
	var (
		c      ppks.Change
		fields []byte
	)
	if err := s.Scan(&c.ID, &c.RecordID, &c.Record, &c.Time, &c.Username, &c.Method, &c.RequestID, &fields); err != nil {
		return nil, err
	}
	var stored []fieldChange
	if err := json.Unmarshal(fields, &stored); err != nil {
		return nil, fmt.Errorf("stored change %d: %w", c.ID, err)
	}
	for _, f := range stored {
		c.Fields = append(c.Fields, ppks.FieldChange{Field: f.Field, Old: f.Old, New: f.New})
	}
	c.Time = utc(c.Time)
	return &c, nil
}
