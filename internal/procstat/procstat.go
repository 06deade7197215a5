// Package procstat reads figures of running processes that the measurements report.
package procstat

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Memory is a process's resident memory, in bytes.
type Memory struct {
	RSS  int64 // resident now (VmRSS)
	Peak int64 // the most it has been resident (VmHWM)
}

// PeakRSS returns this process's peak resident set size (VmHWM) in bytes, 0 where
// /proc is not available.
func PeakRSS() int64 {
	m, err := read("/proc/self/status")
	if err != nil {
		return 0
	}
	return m.Peak
}

// Of returns the resident memory of the process pid (Linux /proc).
func Of(pid int) (Memory, error) {
	return read(fmt.Sprintf("/proc/%d/status", pid))
}

func read(path string) (Memory, error) {
	f, err := os.Open(path)
	if err != nil {
		return Memory{}, err
	}
	defer f.Close()
	var m Memory
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		for prefix, dst := range map[string]*int64{"VmRSS:": &m.RSS, "VmHWM:": &m.Peak} {
			if rest, ok := strings.CutPrefix(sc.Text(), prefix); ok {
				kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
				if err != nil {
					return Memory{}, fmt.Errorf("%s: %s: %w", path, prefix, err)
				}
				*dst = kb << 10
			}
		}
	}
	if err := sc.Err(); err != nil {
		return Memory{}, err
	}
	if m.Peak == 0 {
		return Memory{}, fmt.Errorf("%s: no VmHWM", path)
	}
	return m, nil
}
