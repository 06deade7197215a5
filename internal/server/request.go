package server

import (
	"crypto/sha256"
	"encoding/hex"
	"google.golang.org/genproto/googleapis/api/annotations"
	"strings"

	"github.com/opendinsos/ppks/internal/ppks"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// requestKey builds the idempotency key of a request: its request_id, the method, and a
// hash of everything else it carries, so that a reused id with another payload is caught.
func requestKey(method, requestID string, req proto.Message) ppks.RequestKey {
	if requestID == "" {
		return ppks.RequestKey{Method: method}
	}
	c := proto.Clone(req)
	if fd := c.ProtoReflect().Descriptor().Fields().ByName("request_id"); fd != nil {
		c.ProtoReflect().Clear(fd)
	}
	b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(c)
	sum := sha256.Sum256(append([]byte(method+"\x00"), b...))
	return ppks.RequestKey{ID: requestID, Method: method, Fingerprint: hex.EncodeToString(sum[:])}
}

// maskPaths returns the update_mask paths: those sent, or, without a mask, the populated
// fields of the resource (AIP-134). The fields the protos mark IDENTIFIER or OUTPUT_ONLY
// (name, times, states) and the etag (a precondition, AIP-154) are dropped: clients echo
// them back and they are never updated through a mask.
func maskPaths(mask *fieldmaskpb.FieldMask, resource proto.Message) []string {
	skip := notUpdatable(resource.ProtoReflect().Descriptor())
	var paths []string
	if mask != nil && len(mask.GetPaths()) > 0 {
		seen := map[string]bool{}
		for _, p := range mask.GetPaths() {
			p = wholeField(resource, p)
			if !skip[p] && !seen[p] {
				seen[p] = true
				paths = append(paths, p)
			}
		}
		if len(paths) == 0 {
			paths = []string{} // only ignorable fields: nothing to update
		}
		return paths
	}
	resource.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
		if name := string(fd.Name()); !skip[name] {
			paths = append(paths, name)
		}
		return true
	})
	return paths
}

// wholeField maps a sub-path of a message field (delivered_on.day) to the field
// (delivered_on): a date, like any message field of a resource, is updated as a whole.
// The REST gateway derives the mask from the JSON body, where {"deliveredOn": {...}}
// gives one path per field of the date; a gRPC client may send either form.
func wholeField(resource proto.Message, path string) string {
	head, _, nested := strings.Cut(path, ".")
	if !nested {
		return path
	}
	fd := resource.ProtoReflect().Descriptor().Fields().ByName(protoreflect.Name(head))
	if fd == nil || fd.Message() == nil || fd.IsList() || fd.IsMap() {
		return path // the domain refuses it, naming the path
	}
	return head
}

// notUpdatable names the fields of a resource that no update sets, by their field
// behaviour in the protos.
func notUpdatable(md protoreflect.MessageDescriptor) map[string]bool {
	skip := map[string]bool{"etag": true}
	fields := md.Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		behaviors, _ := proto.GetExtension(fd.Options(), annotations.E_FieldBehavior).([]annotations.FieldBehavior)
		for _, b := range behaviors {
			if b == annotations.FieldBehavior_IDENTIFIER || b == annotations.FieldBehavior_OUTPUT_ONLY {
				skip[string(fd.Name())] = true
			}
		}
	}
	return skip
}
