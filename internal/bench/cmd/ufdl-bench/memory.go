// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// memWatch samples, every 100 ms while a terraform command runs, the peak resident set
// (VmHWM, a high-water mark kept by the kernel) of terraform and of every provider process
// terraform has started, and the providers' CPU time (as last sampled: a process's final
// 100 ms may be missed). Linux only; elsewhere the figures are -1.
type memWatch struct {
	stopc     chan struct{}
	done      chan struct{}
	mu        sync.Mutex
	terraform int64
	provider  int64
	cpu       map[int]time.Duration // provider pid -> CPU time
}

func watchMemory(pid int, providerBin string) *memWatch {
	w := &memWatch{stopc: make(chan struct{}), done: make(chan struct{}), terraform: -1, provider: -1, cpu: map[int]time.Duration{}}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		close(w.done)
		return w
	}
	go func() {
		defer close(w.done)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			w.sample(pid, providerBin)
			select {
			case <-w.stopc:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// stop ends the sampling and returns the peaks in KiB (-1: unknown) and the providers' CPU
// time (-1: unknown).
func (w *memWatch) stop() (terraform, provider int64, providerCPU time.Duration) {
	select {
	case <-w.done:
	default:
		close(w.stopc)
		<-w.done
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	providerCPU = -1
	for _, c := range w.cpu {
		providerCPU = max(providerCPU, 0) + c
	}
	return w.terraform, w.provider, providerCPU
}

func (w *memWatch) sample(pid int, providerBin string) {
	tf := hwm(pid)
	var prov int64 = -1
	cpu := map[int]time.Duration{}
	for _, child := range children(pid) {
		if exe, err := os.Readlink(filepath.Join("/proc", strconv.Itoa(child), "exe")); err == nil && exe == providerBin {
			prov = max(prov, hwm(child))
			if c := cpuTime(child); c >= 0 {
				cpu[child] = c
			}
		}
	}
	w.mu.Lock()
	w.terraform = max(w.terraform, tf)
	w.provider = max(w.provider, prov)
	for p, c := range cpu {
		w.cpu[p] = c
	}
	w.mu.Unlock()
}

// children lists the direct children of pid, from every thread's children file.
func children(pid int) []int {
	tasks, _ := filepath.Glob(filepath.Join("/proc", strconv.Itoa(pid), "task", "*", "children"))
	var out []int
	for _, f := range tasks {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, s := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(s); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}

// hwm reads VmHWM (KiB) of pid; -1 when the process is gone.
func hwm(pid int) int64 {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err == nil {
				return n
			}
		}
	}
	return -1
}

// clockTick is USER_HZ, the unit of /proc/PID/stat times: 100 on every Linux platform Go runs on.
const clockTick = 10 * time.Millisecond

// cpuTime reads utime + stime of pid from /proc/PID/stat; -1 when the process is gone.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return -1
	}
	// The command name (field 2) may hold spaces; the fields after its ")" are fixed.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(string(b)[i+1:])
	if len(f) < 13 {
		return -1
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return time.Duration(utime+stime) * clockTick
}
