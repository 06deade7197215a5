package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

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
	err := q.read(ctx, "list changes", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, `SELECT id, record_id, record, time, username, method, request_id, fields
			FROM record_history WHERE record_id = ? AND id > ? ORDER BY id LIMIT ?`,
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

// appendChange appends c to the history of its record, as part of the audit entry with
// id auditID, and sets c.ID.
func appendChange(ctx context.Context, tx *sql.Tx, auditID int64, c *ppks.Change) error {
	fields := make([]fieldChange, len(c.Fields))
	for i, f := range c.Fields {
		fields[i] = fieldChange{Field: f.Field, Old: f.Old, New: f.New}
	}
	buf, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO record_history (audit_id, record_id, record, time, username,
		method, request_id, fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		auditID, c.RecordID, c.Record, micros(c.Time), c.Username, c.Method, c.RequestID, string(buf))
	if err != nil {
		return err
	}
	c.ID, err = res.LastInsertId()
	return err
}

func scanChange(s scanner) (*ppks.Change, error) {
	var (
		c      ppks.Change
		t      int64
		fields string
	)
	if err := s.Scan(&c.ID, &c.RecordID, &c.Record, &t, &c.Username, &c.Method, &c.RequestID, &fields); err != nil {
		return nil, err
	}
	var stored []fieldChange
	if err := json.Unmarshal([]byte(fields), &stored); err != nil {
		return nil, fmt.Errorf("stored change %d: %w", c.ID, err)
	}
	for _, f := range stored {
		c.Fields = append(c.Fields, ppks.FieldChange{Field: f.Field, Old: f.Old, New: f.New})
	}
	c.Time = fromMicros(t)
	return &c, nil
}
