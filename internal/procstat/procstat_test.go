package procstat

import (
	"os"
	"testing"
)

func TestPeakRSS(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	buf := make([]byte, 64<<20)
	for i := range buf {
		buf[i] = 1 // touch every page, so that it is resident
	}
	if got := PeakRSS(); got < int64(len(buf)) {
		t.Errorf("PeakRSS = %d after touching %d bytes", got, len(buf))
	}
}

func TestOf(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	m, err := Of(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if m.RSS <= 0 || m.Peak < m.RSS {
		t.Errorf("Of(self) = %+v", m)
	}
	if _, err := Of(1 << 30); err == nil {
		t.Error("Of(a process that does not exist): no error")
	}
}
